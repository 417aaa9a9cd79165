"""A supplier's PunchOut site on loopback: it answers PunchOutSetupRequests with a
StartPage and, when its shopper checks out, builds the form its page would make the
browser post to the BrowserFormPost URL (docs/protocol.md S3-S6).

Served from a thread of its own (``tests.fakes.FakeServer``).
"""

from __future__ import annotations

import base64
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from aiohttp import web

from punchin.cxml import parse, serialize
from punchin.cxml.cart import Line, item_detail, item_id
from punchin.cxml.common import URL
from punchin.cxml.envelope import Document, Request
from punchin.cxml.payload_id import new_payload_id
from punchin.cxml.punchout import ItemIn, PunchOutSetupRequest, PunchOutSetupResponse, StartPage
from punchin.cxml.reply import http_status_for, response_document
from punchin.web import demo
from tests.fakes import FakeServer
from tests.procurement import builders


@dataclass(frozen=True)
class Received:
    """One setup request as the supplier got it."""

    raw: bytes
    document: Document
    authorization: str | None

    @property
    def request(self) -> PunchOutSetupRequest:
        assert isinstance(self.document.body, Request)
        payload = self.document.body.payload
        assert isinstance(payload, PunchOutSetupRequest)
        return payload

    @property
    def form_post_url(self) -> str:
        assert self.request.browser_form_post is not None
        return self.request.browser_form_post.url.value


def line(part: str, quantity: str, price: str, *, aux: str = "", unit: str = "EA") -> ItemIn:
    """A cart line as the supplier's shop sells it; ``aux`` is its own cookie."""
    sold = Line(
        quantity=Decimal(quantity),
        supplier_part_id=part,
        supplier_part_auxiliary_id=aux or f"cfg-{part}",
        description=f"{part}, as configured",
        short_name=part,
        unit_price=Decimal(price),
        unit_of_measure=unit,
        unspsc="44121704",
        manufacturer_part_id="",
        manufacturer_name="",
        url="",
        lead_time_days=3,
    )
    return ItemIn(
        quantity=sold.quantity,
        item_id=item_id(sold),
        item_detail=item_detail(sold, "USD"),
    )


def total_of(items: tuple[ItemIn, ...]) -> Decimal:
    return sum((i.quantity * i.item_detail.unit_price.money.amount for i in items), Decimal(0))


@dataclass
class FakeSupplier(FakeServer):
    """Answers ``POST /punchout``; ``answer`` replaces its answer (status, body)."""

    received: list[Received] = field(default_factory=list)
    answer: Callable[[Received], tuple[int, bytes]] | None = None

    def __post_init__(self) -> None:
        self.listen("POST", "/punchout", self._setup)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/punchout"

    async def _setup(self, request: web.Request) -> web.Response:
        raw = await request.read()
        received = Received(raw, parse(raw), request.headers.get("Authorization"))
        self.received.append(received)
        if self.answer is not None:
            status, body = self.answer(received)
        else:
            status, body = self._start_page(received)
        return web.Response(status=status, body=body, content_type="text/xml", charset="utf-8")

    def _start_page(self, received: Received) -> tuple[int, bytes]:
        """200 with a StartPage for our buyer's SharedSecret; the 403 of P23 otherwise."""
        sender = received.document.header.sender.credentials[0]  # type: ignore[union-attr]
        if sender.shared_secret is None or sender.shared_secret.value != demo.SHARED_SECRET:
            document = response_document(403, detail="unknown buyer or SharedSecret")
            return 403, serialize(document)
        url = f"http://127.0.0.1:{self.port}/start/{len(self.received)}"
        payload = PunchOutSetupResponse(start_page=StartPage(url=URL(value=url)))
        return 200, serialize(response_document(200, payload=payload))

    def checkout(
        self,
        items: tuple[ItemIn, ...] | None = None,
        *,
        of: Received | None = None,
        buyer_cookie: str | None = None,
        operation_allowed: str = "edit",
        encoding: str = "cxml-base64",
        sender: str = demo.STORE_IDENTITY,
        total: Decimal | None = None,
    ) -> tuple[str, dict[str, str]]:
        """The BrowserFormPost URL and form fields of the cart for the session ``of``
        started (the last one by default): its BuyerCookie echoed, ``items`` or by
        default two lines, in the field ``encoding`` names (any case)."""
        session = of or self.received[-1]
        items = (
            items
            if items is not None
            else (line("PEN-BLK-12", "2", "4.50"), line("CAB", "1", "3.30"))
        )
        numbered = tuple(
            ItemIn(quantity=i.quantity, line_number=n, item_id=i.item_id, item_detail=i.item_detail)
            for n, i in enumerate(items, start=1)
        )
        cookie = session.request.buyer_cookie.value if buyer_cookie is None else buyer_cookie
        raw = builders.poom(
            new_payload_id("supplier.test"),
            numbered,
            total_of(numbered) if total is None else total,
            buyer_cookie=cookie,
            operation_allowed=operation_allowed,
            sender=sender,
        )
        if encoding.lower() == "cxml-base64":
            value = base64.b64encode(raw).decode("ascii")
        else:
            value = raw.decode("utf-8")
        return session.form_post_url, {encoding: value}


def refusal(code: int, detail: str = "") -> Callable[[Received], tuple[int, bytes]]:
    """An answer that refuses with cXML Status ``code`` (in its mirrored HTTP status)."""

    def answer(_: Received) -> tuple[int, bytes]:
        return http_status_for(code), serialize(response_document(code, detail=detail))

    return answer
