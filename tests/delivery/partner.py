"""A fake cXML partner on loopback (aiohttp.web in a thread of its own) and the
target resolver the tests' app registers.

The partner applies each payloadID once, as a real receiver does: a payloadID it
has applied is answered 200 again at once, without applying it twice. What it answers
otherwise comes from ``script``, one ``Answer`` per new request, then 200 OK.
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
import threading
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime

from aiohttp import web

from punchin.cxml import CXMLError, Document, parse, serialize
from punchin.cxml.common import Status
from punchin.cxml.envelope import Response
from punchin.cxml.status import standard_text
from punchin.transport import UrlPolicy
from punchin.web.delivery.exceptions import UnknownPartner
from punchin.web.delivery.targets import Target
from tests.fakes import FakeServer

USER_AGENT = "Punchin Tests PunchIn 1.0"
HOLD = 1.5  # seconds; the test settings give a send 2 s


class LoopbackTargets:
    """The tests' ``TargetResolver`` (registered by ``tests.delivery.apps``): every
    partner on loopback, except "nobody"."""

    def target(self, partner_key: str) -> Target:
        if partner_key == "nobody":
            raise UnknownPartner("not configured")
        return Target(
            # Every test partner listens on its own free loopback port.
            policy=UrlPolicy(frozenset({"*"}), allow_loopback_http=True),
            user_agent=USER_AGENT,
        )


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass(frozen=True)
class Answer:
    """``code`` None answers ``body`` as is (an HTML page, a proxy's error)."""

    code: int | None = 200
    http_status: int = 200
    detail: str = ""
    body: bytes = b""
    delay: float = 0.0


def cxml_answer(code: int, detail: str = "") -> bytes:
    return serialize(
        Document(
            payload_id=f"{datetime.now(UTC).timestamp()}.answer@partner.test",
            timestamp=datetime.now(UTC).replace(microsecond=0),
            body=Response(status=Status(code=code, text=standard_text(code), detail=detail)),
        )
    )


@dataclass
class FakePartner(FakeServer):
    script: list[Answer] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)  # payloadIDs, in arrival order
    headers: list[dict[str, str]] = field(default_factory=list)
    bodies: list[bytes] = field(default_factory=list)
    applied: Counter[str] = field(default_factory=Counter)
    arrived: threading.Event = field(default_factory=threading.Event)
    # Hold the first answers until this many requests are in at once (or for HOLD
    # seconds, under the senders' timeout): proof that that many senders took part.
    together: int = 0
    in_flight: int = 0
    peak: int = 0  # the most requests in at once
    gathered: asyncio.Event = field(default_factory=asyncio.Event)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/cxml"

    def __post_init__(self) -> None:
        self.listen("POST", "/cxml", self._receive, port=free_port(), reuse_address=True)

    async def _receive(self, request: web.Request) -> web.Response:
        body = await request.read()
        try:
            payload_id = parse(body).payload_id
        except CXMLError as exc:
            return _xml(cxml_answer(406, exc.detail), 200)
        self.requests.append(payload_id)
        self.headers.append(dict(request.headers))
        self.bodies.append(body)
        self.arrived.set()
        self.in_flight += 1
        self.peak = max(self.peak, self.in_flight)
        try:
            if self.in_flight >= self.together:
                self.gathered.set()
            if not self.gathered.is_set():
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self.gathered.wait(), HOLD)
            return await self._answer(payload_id)
        finally:
            self.in_flight -= 1

    async def _answer(self, payload_id: str) -> web.Response:
        if self.applied[payload_id]:
            return _xml(cxml_answer(200, "already received"), 200)
        answer = self.script.pop(0) if self.script else Answer()
        if answer.code is not None and 200 <= answer.code < 300:
            self.applied[payload_id] += 1
        await asyncio.sleep(answer.delay)
        if answer.code is None:
            return web.Response(
                status=answer.http_status, body=answer.body, content_type="text/html"
            )
        return _xml(cxml_answer(answer.code, answer.detail), answer.http_status)


def _xml(body: bytes, status: int) -> web.Response:
    return web.Response(status=status, body=body, content_type="text/xml", charset="UTF-8")
