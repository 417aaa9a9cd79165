"""CxmlClient.post against real loopback servers: P20 headers, auth, redirects, caps."""

from __future__ import annotations

import asyncio
import gzip
import socket

import pytest
from aiohttp import web

from punchin.transport import (
    BasicAuth,
    BearerAuth,
    ConnectFailed,
    CxmlClient,
    RedirectRefused,
    ReplyTooLarge,
    Timeout,
    UrlRefused,
)

from .servers import serve, xml_reply

DOCUMENT = b'<?xml version="1.0" encoding="UTF-8"?><cXML/>'


class Recorder:
    """A handler that keeps what it received and answers a fixed cXML body."""

    def __init__(self) -> None:
        self.requests: list[tuple[str, dict[str, str], bytes, object]] = []

    async def __call__(self, request: web.Request) -> web.Response:
        body = await request.read()
        peer = request.transport.get_extra_info("peername") if request.transport else None
        self.requests.append((request.method, dict(request.headers), body, peer))
        return xml_reply(b"<cXML><Response><Status code='200' text='OK'/></Response></cXML>")


def test_post_sends_exactly_the_p20_headers_and_the_body() -> None:
    recorder = Recorder()

    async def scenario() -> None:
        async with serve(recorder) as url, CxmlClient() as client:
            reply = await client.post(url, DOCUMENT, user_agent="Acme Store PunchIn 1.0")
            assert reply.status == 200
            assert reply.body.startswith(b"<cXML><Response>")
            assert reply.headers["content-type"].startswith("text/xml")
            assert reply.elapsed > 0

    asyncio.run(scenario())
    [(method, headers, body, _)] = recorder.requests
    assert method == "POST"
    assert body == DOCUMENT
    # P20: exactly these headers, plus what HTTP/1.1 itself needs (Host, Content-Length).
    assert set(headers) == {
        "Host",
        "Content-Type",
        "Accept",
        "User-Agent",
        "Connection",
        "Content-Length",
    }
    assert headers["Content-Type"] == "text/xml; charset=UTF-8"
    assert headers["Accept"] == "text/xml"
    assert headers["User-Agent"] == "Acme Store PunchIn 1.0"
    assert headers["Connection"] == "Keep-Alive"


def test_default_user_agent_follows_the_p20_pattern() -> None:
    recorder = Recorder()

    async def scenario() -> None:
        async with serve(recorder) as url, CxmlClient() as client:
            await client.post(url, DOCUMENT)

    asyncio.run(scenario())
    assert recorder.requests[0][1]["User-Agent"] == "punchin PunchIn 1.0"


@pytest.mark.parametrize(
    ("auth", "expected"),
    [
        # RFC 7617 credentials, UTF-8: "buyer-ü:s3cret:with:colons"
        (
            BasicAuth("buyer-ü", "s3cret:with:colons"),
            "Basic YnV5ZXItw7w6czNjcmV0OndpdGg6Y29sb25z",
        ),
        (BearerAuth("tok.en-123"), "Bearer tok.en-123"),
    ],
    ids=["basic", "bearer"],
)
def test_basic_and_bearer_auth_headers_p10(auth: BasicAuth | BearerAuth, expected: str) -> None:
    recorder = Recorder()

    async def scenario() -> None:
        async with serve(recorder) as url, CxmlClient() as client:
            await client.post(url, DOCUMENT, auth=auth)

    asyncio.run(scenario())
    assert recorder.requests[0][1]["Authorization"] == expected


def test_auth_secrets_stay_out_of_repr() -> None:
    assert "s3cret" not in repr(BasicAuth("buyer", "s3cret"))
    assert "tok3n" not in repr(BearerAuth("tok3n"))


def test_basic_auth_refuses_a_colon_in_the_user_id() -> None:
    with pytest.raises(ValueError, match="':'"):
        BasicAuth("a:b", "pw")


def test_keep_alive_reuses_one_connection() -> None:
    recorder = Recorder()

    async def scenario() -> None:
        async with serve(recorder) as url, CxmlClient() as client:
            for _ in range(3):
                await client.post(url, DOCUMENT)

    asyncio.run(scenario())
    peers = {peer for *_, peer in recorder.requests}
    assert len(recorder.requests) == 3
    assert len(peers) == 1, peers


def test_non_2xx_answers_are_returned_for_the_caller_to_read_p23() -> None:
    async def handler(request: web.Request) -> web.Response:
        return xml_reply(b"<cXML><Response><Status code='500'/></Response></cXML>", status=500)

    async def scenario() -> None:
        async with serve(handler) as url, CxmlClient() as client:
            reply = await client.post(url, DOCUMENT)
            assert reply.status == 500
            assert b"code='500'" in reply.body

    asyncio.run(scenario())


@pytest.mark.parametrize("status", [301, 302, 303, 307, 308])
def test_redirect_is_refused_not_followed(status: int) -> None:
    followed: list[str] = []

    async def elsewhere(request: web.Request) -> web.Response:
        followed.append(request.method)
        return xml_reply()

    async def scenario() -> None:
        async with serve(elsewhere) as target:

            async def redirect(request: web.Request) -> web.Response:
                return web.Response(status=status, headers={"Location": target})

            async with serve(redirect) as url, CxmlClient() as client:
                with pytest.raises(RedirectRefused) as caught:
                    await client.post(url, DOCUMENT)
                assert caught.value.status == status
                assert caught.value.location == target
                assert not caught.value.transient

    asyncio.run(scenario())
    assert followed == []


def test_oversized_answer_is_refused_with_content_length() -> None:
    async def handler(request: web.Request) -> web.Response:
        return xml_reply(b"x" * 5000)

    async def scenario() -> None:
        async with serve(handler) as url, CxmlClient() as client:
            with pytest.raises(ReplyTooLarge) as caught:
                await client.post(url, DOCUMENT, max_bytes=4096)
            assert not caught.value.transient
            reply = await client.post(url, DOCUMENT, max_bytes=5000)
            assert len(reply.body) == 5000

    asyncio.run(scenario())


def test_oversized_chunked_answer_stops_reading_at_the_cap() -> None:
    """An endless chunked answer (no Content-Length) is cut off, not buffered."""
    sent: list[int] = []

    async def handler(request: web.Request) -> web.StreamResponse:
        response = web.StreamResponse(headers={"Content-Type": "text/xml"})
        response.enable_chunked_encoding()
        await response.prepare(request)
        try:
            for _ in range(10_000):
                await response.write(b"y" * 1024)
                sent.append(1024)
        except (ConnectionResetError, RuntimeError):
            pass
        return response

    async def scenario() -> None:
        async with serve(handler) as url, CxmlClient() as client:
            with pytest.raises(ReplyTooLarge):
                await client.post(url, DOCUMENT, max_bytes=64 * 1024)

    asyncio.run(scenario())
    assert sum(sent) < 10_000 * 1024


def test_slow_peer_times_out() -> None:
    async def handler(request: web.Request) -> web.Response:
        await asyncio.sleep(5)
        return xml_reply()

    async def scenario() -> None:
        async with serve(handler) as url, CxmlClient() as client:
            started = asyncio.get_running_loop().time()
            with pytest.raises(Timeout) as caught:
                await client.post(url, DOCUMENT, timeout=0.3)
            assert asyncio.get_running_loop().time() - started < 2
            assert caught.value.transient

    asyncio.run(scenario())


def test_slow_drip_body_times_out() -> None:
    """Headers arrive at once, the body a byte at a time: the timeout covers the body."""

    async def handler(request: web.Request) -> web.StreamResponse:
        response = web.StreamResponse(headers={"Content-Type": "text/xml"})
        await response.prepare(request)
        for _ in range(100):
            await response.write(b"<")
            await asyncio.sleep(0.05)
        return response

    async def scenario() -> None:
        async with serve(handler) as url, CxmlClient() as client:
            with pytest.raises(Timeout):
                await client.post(url, DOCUMENT, timeout=0.5)

    asyncio.run(scenario())


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_connection_refused_is_connect_failed() -> None:
    async def scenario() -> None:
        async with CxmlClient() as client:
            with pytest.raises(ConnectFailed) as caught:
                await client.post(f"http://127.0.0.1:{free_port()}/cxml", DOCUMENT)
            assert caught.value.transient

    asyncio.run(scenario())


def test_compressed_answer_is_capped_after_decompression() -> None:
    """A gzip bomb (small on the wire, huge inflated) hits the cap, not our memory."""
    bomb = gzip.compress(b"\0" * (32 * 2**20), compresslevel=9)
    assert len(bomb) < 64 * 1024

    async def handler(request: web.Request) -> web.Response:
        return web.Response(
            body=bomb, headers={"Content-Type": "text/xml", "Content-Encoding": "gzip"}
        )

    async def scenario() -> None:
        async with serve(handler) as url, CxmlClient() as client:
            with pytest.raises(ReplyTooLarge):
                await client.post(url, DOCUMENT, max_bytes=2**20)

    asyncio.run(scenario())


def test_header_injection_through_the_user_agent_is_refused() -> None:
    async def scenario() -> None:
        async with CxmlClient() as client:
            with pytest.raises(ValueError, match="CR, LF"):
                await client.post("http://127.0.0.1:9/cxml", DOCUMENT, user_agent="x\r\nX-Evil: 1")

    asyncio.run(scenario())


@pytest.mark.parametrize(
    "url",
    ["https://user:secret@127.0.0.1:9/cxml", "ftp://127.0.0.1/cxml", "file:///etc/passwd"],
)
def test_post_without_a_policy_still_refuses_userinfo_and_other_schemes(url: str) -> None:
    async def scenario() -> None:
        async with CxmlClient() as client:
            with pytest.raises(UrlRefused) as caught:
                await client.post(url, DOCUMENT)
            assert "secret" not in caught.value.detail

    asyncio.run(scenario())
