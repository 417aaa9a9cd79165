"""CxmlClient.fetch: the PoomUrl GET (P5, P19) with bounded retries inside a deadline
(docs/security.md row 16)."""

from __future__ import annotations

import asyncio
import time
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import pytest
from aiohttp import web

from punchin.transport import (
    BadReply,
    ConnectFailed,
    CxmlClient,
    RedirectRefused,
    ReplyTooLarge,
    Timeout,
    UrlPolicy,
    UrlRefused,
)
from punchin.transport.client import BACKOFF, _retry_after

from .servers import Handler, serve, xml_reply


def dev(url: str) -> UrlPolicy:
    """Development policy allowing exactly ``url``'s loopback host and port."""
    return UrlPolicy.for_urls([url], allow_loopback_http=True)


POOM = b"<cXML payloadID='1@x'><Message/></cXML>"


class Script:
    """Answers each attempt with the next scripted handler and records the requests."""

    def __init__(self, *steps: Handler) -> None:
        self.steps = list(steps)
        self.requests: list[tuple[float, str, dict[str, str]]] = []

    async def __call__(self, request: web.Request) -> web.StreamResponse:
        self.requests.append((time.monotonic(), request.method, dict(request.headers)))
        step = self.steps[min(len(self.requests), len(self.steps)) - 1]
        return await step(request)


def status(code: int, headers: dict[str, str] | None = None) -> Handler:
    async def answer(request: web.Request) -> web.Response:
        return web.Response(status=code, text=f"status {code}", headers=headers)

    return answer


async def poom(request: web.Request) -> web.Response:
    return xml_reply(POOM)


def run_fetch(script: Script, seconds: float = 10.0, **options: object) -> bytes:
    async def scenario() -> bytes:
        async with serve(script) as url, CxmlClient() as client:
            deadline = time.monotonic() + seconds
            return await client.fetch(url, policy=dev(url), deadline=deadline, **options)  # type: ignore[arg-type]

    return asyncio.run(scenario())


def test_fetch_gets_the_document_with_accept_text_xml() -> None:
    script = Script(poom)
    assert run_fetch(script) == POOM
    [(_, method, headers)] = script.requests
    assert method == "GET"
    assert headers["Accept"] == "text/xml"
    assert headers["User-Agent"] == "punchin PunchIn 1.0"


def test_fetch_retries_a_500_then_succeeds() -> None:
    script = Script(status(500), poom)
    assert run_fetch(script) == POOM
    assert len(script.requests) == 2


def test_fetch_retries_after_a_dropped_connection() -> None:
    async def hang_up(request: web.Request) -> web.StreamResponse:
        assert request.transport is not None
        request.transport.close()
        return web.Response()

    script = Script(hang_up, poom)
    assert run_fetch(script) == POOM
    assert len(script.requests) == 2


def test_fetch_honours_retry_after_on_429() -> None:
    script = Script(status(429, {"Retry-After": "1"}), poom)
    assert run_fetch(script) == POOM
    (first, *_), (second, *_) = script.requests
    assert second - first >= 0.95


def test_retry_after_beyond_the_deadline_gives_up_at_once() -> None:
    script = Script(status(503, {"Retry-After": "120"}), poom)
    started = time.monotonic()
    with pytest.raises(BadReply) as caught:
        run_fetch(script, seconds=5)
    assert time.monotonic() - started < 2
    assert caught.value.status == 503
    assert caught.value.retry_after == 120
    assert len(script.requests) == 1


def test_retries_are_bounded_and_the_last_error_is_raised() -> None:
    script = Script(status(500), status(502), status(503))
    with pytest.raises(BadReply) as caught:
        run_fetch(script, retries=2)
    assert caught.value.status == 503
    assert caught.value.transient
    assert caught.value.excerpt == b"status 503"
    assert len(script.requests) == 3


@pytest.mark.parametrize("code", [400, 403, 404])
def test_client_errors_are_not_retried(code: int) -> None:
    script = Script(status(code), poom)
    with pytest.raises(BadReply) as caught:
        run_fetch(script)
    assert caught.value.status == code
    assert not caught.value.transient
    assert len(script.requests) == 1


def test_deadline_bounds_every_attempt() -> None:
    async def slow(request: web.Request) -> web.Response:
        await asyncio.sleep(5)
        return xml_reply(POOM)

    script = Script(slow)
    started = time.monotonic()
    with pytest.raises(Timeout):
        run_fetch(script, seconds=0.5)
    assert time.monotonic() - started < 1.5
    assert len(script.requests) == 1


def test_deadline_already_passed_sends_nothing() -> None:
    script = Script(poom)
    with pytest.raises(Timeout):
        run_fetch(script, seconds=-1)
    assert script.requests == []


def test_redirect_is_not_followed_nor_retried() -> None:
    script = Script(status(302, {"Location": "http://127.0.0.1:1/elsewhere"}), poom)
    with pytest.raises(RedirectRefused):
        run_fetch(script)
    assert len(script.requests) == 1


def test_oversized_document_is_refused_not_retried() -> None:
    async def big(request: web.Request) -> web.Response:
        return xml_reply(b"<cXML>" + b" " * 10_000 + b"</cXML>")

    script = Script(big)
    with pytest.raises(ReplyTooLarge):
        run_fetch(script, max_bytes=4096)
    assert len(script.requests) == 1


def test_foreign_host_is_refused_before_any_attempt() -> None:
    script = Script(poom)
    rule = UrlPolicy(frozenset({"poom.partner.example"}), allow_loopback_http=True)

    async def scenario() -> None:
        async with serve(script) as url, CxmlClient() as client:
            with pytest.raises(UrlRefused):
                await client.fetch(url, policy=rule, deadline=time.monotonic() + 5)

    asyncio.run(scenario())
    assert script.requests == []


def test_connect_failures_are_retried_with_backoff_then_raised() -> None:
    async def scenario() -> None:
        async with CxmlClient() as client:
            with pytest.raises(ConnectFailed):
                await client.fetch(
                    "http://127.0.0.1:1/poom",
                    policy=dev("http://127.0.0.1:1/"),
                    deadline=time.monotonic() + 10,
                )

    started = time.monotonic()
    asyncio.run(scenario())
    # Two retries after pauses of BACKOFF and 2 * BACKOFF; a refused connect is instant.
    assert time.monotonic() - started >= 3 * BACKOFF


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("7", 7.0),
        (" 0 ", 0.0),
        ("Wed, 21 Oct 2015 07:28:00 GMT", 0.0),  # in the past: no wait
        ("soon", None),
        ("-1", None),
        ("", None),
        (None, None),
    ],
)
def test_retry_after_header_forms(header: str | None, expected: float | None) -> None:
    assert _retry_after(header) == expected


def test_retry_after_http_date_in_the_future() -> None:
    when = datetime.now(UTC) + timedelta(seconds=30)
    seconds = _retry_after(format_datetime(when, usegmt=True))
    assert seconds is not None
    assert 28 <= seconds <= 30
