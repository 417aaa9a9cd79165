"""Test factories for the order flow: a submitted Punch-in cart, and the documents the
buyer's purchasing system sends back about it (P8), built from the models only."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from datetime import UTC, datetime
from decimal import Decimal

import aiohttp

from punchin.cxml import Document, parse, serialize
from punchin.cxml.common import DocumentReference, Status, Total
from punchin.cxml.delivery import DeliveryAddress
from punchin.cxml.envelope import Message, Request
from punchin.cxml.order import OrderRequest, OrderRequestHeader, OrderRequestType
from punchin.cxml.punchout import (
    ItemOut,
    ProfileRequest,
    PunchOutOrderMessage,
    PunchOutSetupRequest,
)
from punchin.cxml.statusupdate import DocumentStatus, StatusUpdateRequest
from punchin.storefront.cart import services as cart
from punchin.storefront.cart.models import Order
from punchin.storefront.cart.services import Checkout
from punchin.storefront.documents.models import CxmlDocument
from punchin.storefront.integration.models import PurchasingSystem
from punchin.storefront.submissions import services as submissions
from punchin.storefront.submissions.models import PunchInSubmission
from punchin.web import demo
from punchin.web.inbound import Received, request_of
from tests.cxml import builders

from .conftest import Acme, product

ORDERED_AT = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)
# Where the buyer's checkout sends the goods (P41), and the form fields that say so.
ADDRESS = DeliveryAddress(
    name="Acme Corporation",
    deliver_to=("Receiving dock 3",),
    street=("1 Main Street",),
    city="Springfield",
    state="IL",
    postal_code="62701",
    country_code="US",
    country="United States",
)
ADDRESS_FORM = {
    "ship_name": "Acme Corporation",
    "deliver_to": "Receiving dock 3",
    "street": "1 Main Street",
    "city": "Springfield",
    "state": "IL",
    "postal_code": "62701",
    "country": "US",
}


def submitted(
    acme: Acme,
    base_url: str = "http://127.0.0.1:9",
    items: tuple[tuple[str, int], ...] = (),
    *,
    speed: str = "standard",
    payment_method: str = "po",
) -> PunchInSubmission:
    """A cart submitted for approval: its POOM stored, nothing sent (P4, P5), with
    delivery to ``ADDRESS`` at ``speed`` (P41)."""
    for part_id, quantity in items or (("OF-10001", 2), ("IT-20001", 1)):
        cart.add(acme.buyer.user, product(part_id), quantity)
    checkout = Checkout(
        group=acme.punchin_group,
        address=ADDRESS,
        payment_method=payment_method,
        delivery_speed=speed,
    )
    return submissions.submit(acme.buyer, checkout, base_url)


def placed(acme: Acme, items: tuple[tuple[str, int], ...] = (("OF-10001", 2),)) -> Order:
    """A direct website order of the Direct group's buyer (P12), as checkout places it."""
    for part_id, quantity in items:
        cart.add(acme.direct_buyer.user, product(part_id), quantity)
    checkout = Checkout(
        group=acme.direct_group,
        address=ADDRESS,
        payment_method="invoice",
        delivery_speed="two-day",
    )
    return cart.place_order(acme.direct_buyer, checkout)


def cart_items(submission: PunchInSubmission | CxmlDocument) -> list[ItemOut]:
    """The POOM's lines (a Punch-in submission's, or a PunchOut cart's document) as a
    purchasing system orders them: same ItemID (with the SupplierPartAuxiliaryID),
    quantity and ItemDetail."""
    document = submission if isinstance(submission, CxmlDocument) else submission.poom.document
    body = parse(bytes(document.raw)).body
    assert isinstance(body, Message)
    assert isinstance(body.payload, PunchOutOrderMessage)
    return [
        ItemOut(
            quantity=item.quantity,
            line_number=item.line_number,
            item_id=item.item_id,
            item_detail=item.item_detail,
            requested_delivery_date=ORDERED_AT,
        )
        for item in body.payload.items
    ]


def from_procurement(
    payload: OrderRequest | StatusUpdateRequest | ProfileRequest | PunchOutSetupRequest,
    payload_id: str,
    *,
    secret: str = demo.SHARED_SECRET,
    sender: str = demo.PROCUREMENT_IDENTITY,
) -> Document:
    """A request as the demo's procurement sends it: From and Sender are its identity."""
    return Document(
        payload_id=payload_id,
        timestamp=datetime.now(UTC).replace(microsecond=0),
        lang="en-US",
        version="1.2.063",
        header=builders.header(sender, demo.STORE_IDENTITY, secret=secret),
        body=Request(deployment_mode="production", payload=payload),
    )


def order_request(
    items: list[ItemOut],
    *,
    order_id: str = "PO-1001",
    type: str = OrderRequestType.NEW,
    previous: str | None = None,
    version: int = 1,
) -> OrderRequest:
    amount = sum(
        (i.quantity * i.item_detail.unit_price.money.amount for i in items if i.item_detail),
        Decimal(0),
    )
    base = builders.order_request(order_id=order_id, type=type, previous_payload_id=previous)
    header: OrderRequestHeader = replace(
        base.header,
        order_date=ORDERED_AT,
        order_version=Decimal(version),
        total=Total(money=builders.money(amount)),
        tax=None,
        shipping=None,
        document_reference=DocumentReference(payload_id=previous) if previous else None,
    )
    return OrderRequest(header=header, items=tuple(items))


def status_update(reference: str, decision: str = "approved") -> StatusUpdateRequest:
    return StatusUpdateRequest(
        document_reference=DocumentReference(payload_id=reference),
        status=Status(code=200, text="OK", detail=f"Requisition {decision}", lang="en-US"),
        specific_status=DocumentStatus(type=decision),
    )


async def _post(url: str, body: bytes) -> tuple[int, bytes]:
    async with (
        aiohttp.ClientSession() as session,
        session.post(url, data=body, headers={"Content-Type": "text/xml"}) as reply,
    ):
        return reply.status, await reply.read()


def post(url: str, document: Document | bytes) -> tuple[int, bytes]:
    body = document if isinstance(document, bytes) else serialize(document)
    return asyncio.run(_post(url, body))


def post_many(url: str, body: bytes, copies: int) -> list[tuple[int, bytes]]:
    """``copies`` identical POSTs in flight at once."""

    async def run() -> list[tuple[int, bytes]]:
        return list(await asyncio.gather(*(_post(url, body) for _ in range(copies))))

    return asyncio.run(run())


def status_of(answer: bytes) -> Status:
    body = parse(answer).body
    status = getattr(body, "status", None)
    assert isinstance(status, Status), answer
    return status


def received_order(
    system: PurchasingSystem, document: Document, entry: CxmlDocument
) -> Received[PurchasingSystem, OrderRequest]:
    """An OrderRequest as the inbound pipeline hands it to ``receive.order_request``."""
    return Received(document, request_of(document, OrderRequest), system, entry, "")
