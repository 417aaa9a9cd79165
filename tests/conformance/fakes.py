"""Small aiohttp e-procurement endpoints on loopback, well- and ill-behaved.

``FakeEndpoint`` reads the PunchOutSetupRequest with ``punchin.cxml``, checks the
SharedSecret, fetches the PoomUrl and answers a StartPage, like a real one; each
keyword switches one behaviour off or makes it misbehave, so a test shows which
finding that misbehaviour must produce.
"""

from __future__ import annotations

import asyncio
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import aiohttp
from aiohttp import web

from punchin.cxml import CXMLError, read, serialize
from punchin.cxml.common import URL, Status
from punchin.cxml.envelope import Request
from punchin.cxml.punchout import PunchOutSetupRequest, PunchOutSetupResponse, StartPage
from punchin.transport.serving import Listening
from tests.cxml.builders import response_document

SECRET = "sesame-7f3a"
SAMPLES = Path(__file__).resolve().parents[3] / "shared" / "cxml" / "punchin-samples"
FLAGS = (
    "requiresAuthByCredentials=1&requiresAuthBySSO=0&buyerExists=1"
    "&mobileSupported=1&internetSupported=1"
)
XML = "text/xml; charset=UTF-8"

Answer = tuple[int, str, bytes]


def status(code: int, text: str, detail: str = "") -> Answer:
    document = response_document(status=Status(code=code, text=text, detail=detail))
    return code, XML, serialize(document)


def start_page(url: str) -> Answer:
    payload = PunchOutSetupResponse(start_page=StartPage(url=URL(value=url)))
    return 200, XML, serialize(response_document(payload))


@dataclass
class FakeEndpoint:
    """``async with FakeEndpoint(...) as fake``; ``fake.url`` is its Punch-in endpoint.

    fetch: fetch the PoomUrl before answering; fetch_delay: wait this long first.
    check_secret: refuse a wrong SharedSecret with 403; remember: answer a replayed
    payloadID with the first answer. answer: replaces the StartPage answer.
    delay: seconds before answering. start_page_base: where StartPages point.
    """

    fetch: bool = True
    fetch_delay: float = 0.0
    check_secret: bool = True
    remember: bool = True
    delay: float = 0.0
    answer: Callable[[], Answer] | None = None
    start_page_base: str = "https://procurement.example/punchin/land"
    received: list[bytes] = field(default_factory=list)
    headers: list[dict[str, str]] = field(default_factory=list)
    poom_fetched: list[int] = field(default_factory=list)
    url: str = ""

    async def __aenter__(self) -> FakeEndpoint:
        app = web.Application()
        app.router.add_post("/cxml/punchin", self._punchin)
        self._listening = await Listening(app).start()
        self.url = f"{self._listening.base_url}/cxml/punchin"
        self._answers: dict[str, Answer] = {}
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self._listening.stop()

    async def _punchin(self, request: web.Request) -> web.Response:
        body = await request.read()
        self.received.append(body)
        self.headers.append(dict(request.headers))
        code, content_type, data = await self._answer(body)
        if self.delay:
            await asyncio.sleep(self.delay)
        return web.Response(status=code, body=data, headers={"Content-Type": content_type})

    async def _answer(self, body: bytes) -> Answer:
        try:
            document = read(body).document
        except CXMLError as exc:
            return status(400, "Bad Request", exc.detail)
        assert document.header is not None
        assert isinstance(document.body, Request)
        setup = document.body.payload
        assert isinstance(setup, PunchOutSetupRequest)
        secret = document.header.sender.credentials[0].shared_secret
        if self.check_secret and (secret is None or secret.value != SECRET):
            return status(403, "Forbidden", "SharedSecret invalid")
        if self.remember and document.payload_id in self._answers:
            return self._answers[document.payload_id]
        if self.fetch:
            await asyncio.sleep(self.fetch_delay)
            async with aiohttp.ClientSession() as session:
                poom_url = setup.extrinsic("PoomUrl") or ""
                async with session.get(poom_url, headers={"Accept": "text/xml"}) as reply:
                    await reply.read()
                    self.poom_fetched.append(reply.status)
        if self.answer is not None:
            answer = self.answer()
        else:
            answer = start_page(f"{self.start_page_base}?{secrets.token_hex(8)}&{FLAGS}")
        self._answers[document.payload_id] = answer
        return answer


def published_sample() -> Answer:
    """The response exactly as published, raw ``&`` and all (P24)."""
    return 200, "text/xml", (SAMPLES / "PunchOutSetupResponse.as-published.xml").read_bytes()
