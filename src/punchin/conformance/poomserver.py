"""A temporary PoomUrl server: the checker's stand-in for the supplier's cart page.

Each published cart gets an unguessable token (256 random bits, like the storefront's)
and answers its exact bytes for ``ttl`` seconds, then a cXML Status 500 (P19). Every
GET is recorded with its time and headers, so the checker can tell whether, when and
how the endpoint fetched it.
"""

from __future__ import annotations

import secrets
import time
from dataclasses import dataclass, field
from types import TracebackType

from aiohttp import web

from punchin.cxml import Document, serialize
from punchin.cxml.build import LANG
from punchin.cxml.common import Status
from punchin.cxml.document import DEFAULT_VERSION
from punchin.cxml.envelope import Response
from punchin.cxml.payload_id import new_payload_id, now
from punchin.transport.serving import Listening

from .fetches import POOM_TTL, PoomFetch

CONTENT_TYPE = "text/xml; charset=UTF-8"


@dataclass
class _Cart:
    body: bytes
    published: float
    hits: list[tuple[float, str | None, str | None, int]] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class Published:
    token: str
    url: str


def expired_answer() -> bytes:
    """What a PoomUrl answers after its minute: cXML Status 500 (P19)."""
    return serialize(
        Document(
            payload_id=new_payload_id(),
            timestamp=now(),
            version=DEFAULT_VERSION,
            lang=LANG,
            body=Response(
                status=Status(
                    code=500,
                    text="Internal Server Error",
                    detail="this PoomUrl has expired (P19)",
                    lang=LANG,
                )
            ),
        )
    )


class PoomServer:
    """Serve carts at ``<base>/poom/<token>``; use as ``async with PoomServer(...)``.

    ``public_url`` is the base the endpoint reaches us at when that is not
    ``http://host:port`` (a tunnel or a TLS proxy in front of this server).
    """

    def __init__(
        self,
        host: str = "127.0.0.1",
        port: int = 0,
        public_url: str | None = None,
        ttl: float = POOM_TTL,
    ) -> None:
        self.ttl = ttl
        self._public_url = public_url
        self._carts: dict[str, _Cart] = {}
        app = web.Application()
        app.router.add_get("/poom/{token}", self._serve)
        self._listening = Listening(app, host, port)

    @property
    def port(self) -> int:
        return self._listening.port

    async def __aenter__(self) -> PoomServer:
        await self._listening.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self._listening.stop()

    @property
    def base_url(self) -> str:
        if self._public_url:
            return self._public_url.rstrip("/")
        return self._listening.base_url

    def publish(self, body: bytes) -> Published:
        token = secrets.token_urlsafe(32)
        self._carts[token] = _Cart(body, time.monotonic())
        return Published(token, f"{self.base_url}/poom/{token}")

    def fetches(self, token: str, since: float) -> list[PoomFetch]:
        """The GETs of ``token``, timed from ``since`` (a ``time.monotonic()`` value)."""
        cart = self._carts.get(token)
        hits = cart.hits if cart else []
        return [PoomFetch(at - since, accept, agent, served) for at, accept, agent, served in hits]

    async def _serve(self, request: web.Request) -> web.Response:
        cart = self._carts.get(request.match_info["token"])
        if cart is None:
            return web.Response(status=404, text="no cart behind this PoomUrl")
        at = time.monotonic()
        fresh = at - cart.published <= self.ttl
        status = 200 if fresh else 500
        cart.hits.append(
            (at, request.headers.get("Accept"), request.headers.get("User-Agent"), status)
        )
        body = cart.body if fresh else expired_answer()
        return web.Response(status=status, body=body, headers={"Content-Type": CONTENT_TYPE})
