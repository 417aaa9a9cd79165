"""The documents the checker sends as the e-procurement system, to a supplier's endpoints.

After a punch-in the buyer's system says whether the cart was approved
(StatusUpdateRequest, its DocumentReference the cart's payloadID, P8, P15) and orders
it: an OrderRequest ``new`` whose lines are the cart's lines (the same ItemID with the
SupplierPartAuxiliaryID the supplier finds its line by, the same ItemDetail), then an
``update`` and a ``delete``, each referring to the previous OrderRequest of the order
(docs/protocol.md S7). Built from ``punchin.cxml`` models only, so every document is
DTD-valid by construction (the tests check it).

The lines come from a cart the supplier really sent (``cart_of`` its POOM); without
one the kit's own sample cart stands in, which a supplier that matches orders to its
carts rightly refuses.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from decimal import Decimal

from punchin.cxml import Document
from punchin.cxml.build import LANG, Parties, request
from punchin.cxml.common import (
    Address,
    BillTo,
    Comments,
    Country,
    DocumentReference,
    Money,
    Name,
    PostalAddress,
    ShipTo,
    Total,
)
from punchin.cxml.envelope import Message
from punchin.cxml.order import OrderRequest, OrderRequestHeader, OrderRequestType
from punchin.cxml.ordering import ordered, status_update_request
from punchin.cxml.payload_id import now
from punchin.cxml.punchout import ItemIn, PunchOutOrderMessage

from .supplier import order_message

# Said in every order, so that whoever reads it at the supplier knows not to ship.
TEST_NOTE = "A test order sent by punchin check: do not ship or invoice it."


@dataclass(frozen=True, slots=True)
class Cart:
    """The lines to order and the payloadID that names the cart (P15)."""

    payload_id: str
    currency: str
    items: tuple[ItemIn, ...]
    sample: bool = False  # the kit's own cart, which the supplier never sent

    def line_numbers(self) -> tuple[int, ...]:
        return tuple(item.line_number or n for n, item in enumerate(self.items, start=1))


def cart_of(document: Document) -> Cart:
    """The cart in a PunchOutOrderMessage the supplier sent; ValueError saying what is
    wrong when ``document`` is not one, or has no lines."""
    body = document.body
    payload = body.payload if isinstance(body, Message) else None
    if not isinstance(payload, PunchOutOrderMessage):
        raise ValueError("not a PunchOutOrderMessage (the cart a supplier sends)")
    if not payload.items:
        raise ValueError("the cart has no ItemIn lines to order")
    return Cart(document.payload_id, payload.header.total.money.currency, payload.items)


def sample_cart(parties: Parties, payload_id: str) -> Cart:
    """The kit's two-line cart (``supplier.order_message``) under ``payload_id``."""
    return replace(cart_of(order_message(parties, payload_id)), sample=True)


def approval(parties: Parties, cart: Cart, requisition_id: str) -> Document:
    """The StatusUpdateRequest approving ``cart`` (P8)."""
    return status_update_request(
        parties,
        cart.payload_id,
        approved=True,
        detail=f"Requisition {requisition_id} approved by punchin check",
        requisition_id=requisition_id,
        comment=TEST_NOTE,
    )


def _address() -> Address:
    return Address(
        name=Name(value="punchin check", lang="en"),
        postal_address=PostalAddress(
            deliver_to=("Integration testing",),
            street=("1 Test Street",),
            city="Springfield",
            state="IL",
            postal_code="62701",
            country=Country(value="United States", iso_country_code="US"),
        ),
    )


def order_request(
    parties: Parties,
    cart: Cart,
    order_id: str,
    *,
    type: OrderRequestType = OrderRequestType.NEW,
    version: int = 1,
    previous: str | None = None,
    quantities: Mapping[int, Decimal] | None = None,
) -> Document:
    """An OrderRequest of every cart line (at ``quantities`` by line number, else the
    cart's); ``previous`` is the payloadID of the order's last OrderRequest, which an
    update or delete must name (docs/protocol.md S7)."""
    items = tuple(
        ordered(item, number, quantity=(quantities or {}).get(number))
        for number, item in zip(cart.line_numbers(), cart.items, strict=True)
    )
    total = sum(
        (i.quantity * i.item_detail.unit_price.money.amount for i in items if i.item_detail),
        Decimal(0),
    )
    header = OrderRequestHeader(
        order_id=order_id,
        order_date=now(),
        type=type,
        order_version=Decimal(version),
        total=Total(money=Money(amount=total, currency=cart.currency)),
        ship_to=ShipTo(address=_address()),
        bill_to=BillTo(address=_address()),
        comments=(Comments(text=TEST_NOTE, lang=LANG),),
        document_reference=DocumentReference(payload_id=previous) if previous else None,
    )
    return request(OrderRequest(header=header, items=items), parties)


def fewer(cart: Cart) -> dict[int, Decimal]:
    """The change an update makes: one less of the first line ordered more than once
    (nothing when every line is ordered once: the update then only restates it)."""
    for number, item in zip(cart.line_numbers(), cart.items, strict=True):
        if item.quantity >= 2:
            return {number: item.quantity - 1}
    return {}
