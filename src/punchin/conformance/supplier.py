"""The documents the checker sends as the supplier (the role Amazon Business plays).

A realistic two-line cart (a toner cartridge and a case of copy paper, UN/CEFACT units,
UNSPSC codes, manufacturer parts) and the PunchOutSetupRequest that announces it,
exactly as P14-P21 describe: one payloadID for both (P15), the SharedSecret in the
Sender's credential (P16), an empty BuyerCookie (P17), Extrinsics UserEmail and PoomUrl
(P18), operation ``create``. After an order, the supplier's answers to it: a
confirmation, a ship notice and an invoice of an OrderRequest the buyer's system sent
(``order_of``), naming its orderID, payloadID and lines (docs/protocol.md S9, S10).
Built from ``punchin.cxml`` models only, so every document is DTD-valid by construction
(the tests check it).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from punchin.cxml import Document
from punchin.cxml.build import Parties
from punchin.cxml.cart import Line, punch_out_order_message, punch_out_setup_request
from punchin.cxml.envelope import Request
from punchin.cxml.fulfill import ConfirmationType
from punchin.cxml.fulfilment import (
    InvoicedLine,
    InvoiceTotals,
    LineRef,
    OrderRef,
    confirmation_request,
    invoice_detail_request,
    ship_notice_request,
)
from punchin.cxml.order import OrderRequest

_SHOP = "https://supplier.example/dp"

# (quantity, part, description, short name, unit price, UN/CEFACT unit, UNSPSC,
#  manufacturer, manufacturer part)
_GOODS = (
    (2, "B00CF226A1", "HP 26A Black Original LaserJet Toner Cartridge, about 3,100 pages",
     "HP 26A black toner", "89.99", "EA", "44103103", "HP", "CF226A"),
    (1, "B01PAPER10", "Multipurpose copy paper, letter, 20 lb, 92 bright, 10 reams per case",
     "Copy paper, case of 10 reams", "54.49", "CS", "14111507", "Hammermill", "HAM-105007"),
)  # fmt: skip


def cart(payload_id: str) -> tuple[Line, ...]:
    """The two lines; each SupplierPartAuxiliaryID names its cart and line, as a store's
    own cookie would (the storefront does the same)."""
    return tuple(
        Line(
            quantity=Decimal(quantity),
            supplier_part_id=part,
            supplier_part_auxiliary_id=f"{payload_id}:{number}",
            description=description,
            short_name=short_name,
            unit_price=Decimal(price),
            unit_of_measure=unit,
            unspsc=unspsc,
            manufacturer_part_id=manufacturer_part,
            manufacturer_name=manufacturer,
            url=f"{_SHOP}/{part}",
            lead_time_days=2,
        )
        for number, (
            quantity, part, description, short_name, price, unit, unspsc, manufacturer,
            manufacturer_part,
        ) in enumerate(_GOODS, start=1)
    )  # fmt: skip


def cart_total(payload_id: str = "") -> Decimal:
    return sum((line.subtotal for line in cart(payload_id)), Decimal(0))


def order_message(parties: Parties, payload_id: str, currency: str = "USD") -> Document:
    """The cart (POOM), under the setup request's payloadID (P15), without the secret."""
    return punch_out_order_message(payload_id, parties, cart(payload_id), currency)


def setup_request(parties: Parties, payload_id: str, user_email: str, poom_url: str) -> Document:
    """The PunchOutSetupRequest of P14-P21 (the version is the DTD we validate against)."""
    return punch_out_setup_request(payload_id, parties, user_email, poom_url)


# --- After the order: what the checker sends as the supplier to a buyer's endpoints ---


@dataclass(frozen=True, slots=True)
class Order:
    """An OrderRequest the buyer's system sent, as the supplier's documents name it."""

    reference: OrderRef
    lines: tuple[InvoicedLine, ...]  # each line at its ordered quantity and unit price
    total: Decimal


def order_of(document: Document) -> Order:
    """The order in an OrderRequest; ValueError saying what is missing when ``document``
    is not one, or a line lacks what a confirmation, ship notice or invoice needs."""
    body = document.body
    order = body.payload if isinstance(body, Request) else None
    if not isinstance(order, OrderRequest):
        raise ValueError("not an OrderRequest (the purchase order a buyer's system sends)")
    header = order.header
    money = header.total.money
    lines = []
    for position, item in enumerate(order.items, start=1):
        number = item.line_number or position
        if item.item_detail is None:
            raise ValueError(f"ItemOut line {number} has no ItemDetail (unit of measure, price)")
        aux = item.item_id.supplier_part_auxiliary_id
        line = LineRef(
            line_number=number,
            supplier_part_id=item.item_id.supplier_part_id,
            supplier_part_auxiliary_id=aux.value if aux is not None else "",
            description=next(
                (d.text.strip() for d in item.item_detail.descriptions if d.text.strip()),
                item.item_id.supplier_part_id,
            ),
            unit_of_measure=item.item_detail.unit_of_measure,
        )
        lines.append(InvoicedLine(line, item.quantity, item.item_detail.unit_price.money.amount))
    reference = OrderRef(header.order_id, header.order_date, document.payload_id, money.currency)
    return Order(reference, tuple(lines), money.amount)


def confirmation(parties: Parties, order: Order, confirm_id: str) -> Document:
    """ConfirmationRequest ``accept``: every line as ordered (docs/protocol.md S9)."""
    return confirmation_request(
        parties, order.reference, confirm_id, ConfirmationType.ACCEPT, order.total
    )


def ship_notice(parties: Parties, order: Order, shipment_id: str) -> Document:
    """ShipNoticeRequest: every line shipped complete, in one shipment (S10)."""
    return ship_notice_request(
        parties,
        order.reference,
        shipment_id,
        carrier="punchin check",
        tracking_number=shipment_id,
        shipped=[(line.line, line.quantity) for line in order.lines],
        complete=True,
    )


def invoice(parties: Parties, order: Order, invoice_id: str) -> Document:
    """InvoiceDetailRequest of every line at its ordered price, no tax or shipping."""
    subtotal = sum((line.amount for line in order.lines), Decimal(0))
    zero = Decimal("0.00")
    totals = InvoiceTotals(subtotal=subtotal, tax_rate=Decimal(0), tax=zero, shipping=zero)
    return invoice_detail_request(parties, order.reference, invoice_id, order.lines, totals)
