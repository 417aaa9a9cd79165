"""Fulfilment: confirm, ship, invoice and credit a purchase order, and tell procurement.

Each action runs in one transaction with the order's row locked: it checks the move
against the state table, records what was done, stores the cXML document in the log
and hands it to the durable queue (``punchin.web.delivery.outbox.enqueue``). Either
all of that commits or none of it, so a crash never leaves a shipment without its
ship notice, nor a ship notice without its shipment.

Quantities are the agreed ones (ordered, or as confirmed): the store never ships
more than agreed minus shipped, and invoices only what it shipped and has not yet
invoiced, at the agreed unit price. The order's delivery charge (its Shipping, P41) is
invoiced with the first invoice unless staff say otherwise; a credit memo takes back
at most what the invoice it names billed, less what earlier memos took back.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal

from django.db import transaction
from django.db.models import Sum

from punchin.cxml import Document, fulfilment, serialize
from punchin.cxml.fulfill import ConfirmationType
from punchin.storefront.documents.models import CxmlDocument
from punchin.storefront.integration.models import PurchasingSystem
from punchin.storefront.orders.models import (
    DocumentLine,
    Event,
    OrderDocument,
    OutboundKind,
    PurchaseOrder,
    PurchaseOrderLine,
    next_state,
)
from punchin.storefront.submissions.documents import parties
from punchin.web.delivery.outbox import enqueue
from punchin.web.documents import Direction
from punchin.web.statemachine import InvalidTransition

CENT = Decimal("0.01")

_URL_FIELD = {
    OutboundKind.CONFIRMATION: "confirmation_url",
    OutboundKind.SHIP_NOTICE: "ship_notice_url",
    OutboundKind.INVOICE: "invoice_url",
    OutboundKind.CREDIT_MEMO: "invoice_url",
}
_PREFIX = {
    OutboundKind.CONFIRMATION: "CF",
    OutboundKind.SHIP_NOTICE: "SH",
    OutboundKind.INVOICE: "INV",
    OutboundKind.CREDIT_MEMO: "CM",
}
# A credit memo is an InvoiceDetailRequest; the rest are sent as the request they name.
_DOCUMENT_TYPE = {OutboundKind.CREDIT_MEMO: OutboundKind.INVOICE.value}


class FulfilmentError(Exception):
    """The action cannot be done as asked; the message is for the staff member."""


@dataclass(frozen=True, slots=True)
class LineChange:
    """A confirmed line that differs from the order: fewer units, another price, a date."""

    quantity: Decimal
    unit_price: Decimal
    delivery_date: datetime | None = None


def _q(quantity: Decimal) -> str:
    return str(fulfilment.wire_quantity(quantity))


def _locked(order_pk: int) -> PurchaseOrder:
    return PurchaseOrder.objects.select_for_update().select_related("system").get(pk=order_pk)


def _ref(order: PurchaseOrder) -> fulfilment.OrderRef:
    return fulfilment.OrderRef(order.order_id, order.order_date, order.payload_id, order.currency)


def _line_ref(line: PurchaseOrderLine) -> fulfilment.LineRef:
    return fulfilment.LineRef(
        line.line_number,
        line.supplier_part_id,
        line.supplier_part_auxiliary_id,
        line.description,
        line.unit_of_measure,
        line.name,
    )


def _next_number(order: PurchaseOrder, kind: OutboundKind) -> str:
    count = OrderDocument.objects.filter(order=order, kind=kind).count()
    return f"{_PREFIX[kind]}-{order.pk}-{count + 1}"


def _send(
    order: PurchaseOrder,
    kind: OutboundKind,
    number: str,
    document: Document,
    by: str,
    **fields: object,
) -> OrderDocument:
    """Log the document, record it against the order and queue it for procurement."""
    system: PurchasingSystem = order.system
    url = system.document_url(_URL_FIELD[kind])
    entry = CxmlDocument.objects.create(
        direction=Direction.OUTBOUND,
        document_type=_DOCUMENT_TYPE.get(kind, kind.value),
        payload_id=document.payload_id,
        peer=url,
        raw=serialize(document),
    )
    enqueue(
        document,
        partner_key=str(system.pk),
        partner_name=str(system),
        url=url,
        reason=f"{kind.label} {number} of PO {order.order_id}",
    )
    return OrderDocument.objects.create(
        order=order, kind=kind, number=number, document=entry, created_by=by, **fields
    )


def _quantities(order: PurchaseOrder, kind: OutboundKind) -> dict[int, Decimal]:
    """Per order line id, how much the ship notices (or invoices) so far cover."""
    rows = (
        DocumentLine.objects.filter(document__order=order, document__kind=kind)
        .values("line_id")
        .annotate(total=Sum("quantity"))
    )
    return {row["line_id"]: row["total"] for row in rows}


def shipped(order: PurchaseOrder) -> dict[int, Decimal]:
    return _quantities(order, OutboundKind.SHIP_NOTICE)


def invoiced(order: PurchaseOrder) -> dict[int, Decimal]:
    return _quantities(order, OutboundKind.INVOICE)


def delivery_to_invoice(order: PurchaseOrder) -> Decimal:
    """The order's delivery charge (its Shipping) that no invoice has billed yet."""
    if order.shipping is None:
        return Decimal(0)
    billed = OrderDocument.objects.filter(order=order, kind=OutboundKind.INVOICE).aggregate(
        total=Sum("shipping")
    )["total"] or Decimal(0)
    return max(order.shipping - billed, Decimal(0))


def _checked(order: PurchaseOrder, event: Event) -> None:
    try:
        next_state(order.state, event)
    except InvalidTransition as exc:
        raise FulfilmentError(str(exc)) from None


@transaction.atomic
def confirm(
    order_pk: int, by: str, changes: Mapping[int, LineChange] | None = None, comment: str = ""
) -> OrderDocument:
    """Accept the order as ordered (``changes`` empty) or with per-line changes.

    ``changes`` maps lineNumber to what is confirmed for it; a line may be confirmed
    for fewer units (the rest is rejected), at another price or for a delivery date.
    """
    order = _locked(order_pk)
    _checked(order, Event.CONFIRM)
    lines = {line.line_number: line for line in order.lines.all()}
    changed: list[fulfilment.ConfirmedLine] = []
    for number, change in sorted((changes or {}).items()):
        line = lines.get(number)
        if line is None:
            raise FulfilmentError(f"PO {order.order_id} has no line {number}.")
        if change.quantity < 0 or change.quantity > line.quantity:
            raise FulfilmentError(
                f"Line {number}: confirm between 0 and the {_q(line.quantity)} ordered."
            )
        if change.unit_price <= 0:
            raise FulfilmentError(f"Line {number}: the unit price must be positive.")
        price = change.unit_price if change.unit_price != line.unit_price else None
        if change.quantity == line.quantity and price is None and change.delivery_date is None:
            continue
        line.confirmed_quantity = change.quantity
        line.confirmed_unit_price = change.unit_price
        line.delivery_date = change.delivery_date
        line.save(update_fields=("confirmed_quantity", "confirmed_unit_price", "delivery_date"))
        changed.append(
            fulfilment.ConfirmedLine(
                _line_ref(line), line.quantity, change.quantity, price, change.delivery_date
            )
        )
    if changed and all(line.agreed_quantity == 0 for line in lines.values()):
        raise FulfilmentError("Confirming nothing of every line is a rejection: use Reject.")
    total = sum(
        (line.agreed_quantity * line.agreed_unit_price for line in lines.values()), Decimal(0)
    ).quantize(CENT)
    number = _next_number(order, OutboundKind.CONFIRMATION)
    document = fulfilment.confirmation_request(
        parties(order.system),
        _ref(order),
        number,
        ConfirmationType.DETAIL if changed else ConfirmationType.ACCEPT,
        total,
        changed,
        comment,
    )
    sent = _send(order, OutboundKind.CONFIRMATION, number, document, by, total=total)
    order.move(Event.CONFIRM)
    return sent


@transaction.atomic
def reject(order_pk: int, by: str, comment: str = "") -> OrderDocument:
    """Refuse the whole order (ConfirmationRequest type ``reject``)."""
    order = _locked(order_pk)
    _checked(order, Event.REJECT)
    number = _next_number(order, OutboundKind.CONFIRMATION)
    document = fulfilment.confirmation_request(
        parties(order.system),
        _ref(order),
        number,
        ConfirmationType.REJECT,
        None,
        comment=comment,
    )
    sent = _send(order, OutboundKind.CONFIRMATION, number, document, by)
    order.move(Event.REJECT)
    return sent


@transaction.atomic
def ship(
    order_pk: int,
    by: str,
    *,
    carrier: str,
    tracking_number: str,
    quantities: Mapping[int, Decimal],
    delivery_date: datetime | None = None,
) -> OrderDocument:
    """Ship ``quantities`` (lineNumber -> units); partial shipments are allowed, never
    more than agreed minus shipped."""
    order = _locked(order_pk)
    if not carrier.strip() or not tracking_number.strip():
        raise FulfilmentError("A shipment needs the carrier and the tracking number.")
    lines = {line.line_number: line for line in order.lines.all()}
    done = shipped(order)
    picked: list[tuple[PurchaseOrderLine, Decimal]] = []
    for number, quantity in sorted(quantities.items()):
        if quantity == 0:
            continue
        line = lines.get(number)
        if line is None:
            raise FulfilmentError(f"PO {order.order_id} has no line {number}.")
        open_quantity = line.agreed_quantity - done.get(line.pk, Decimal(0))
        if quantity < 0 or quantity > open_quantity:
            raise FulfilmentError(
                f"Line {number}: {_q(quantity)} cannot be shipped; {_q(open_quantity)} "
                f"of {_q(line.agreed_quantity)} remain to ship."
            )
        picked.append((line, quantity))
        done[line.pk] = done.get(line.pk, Decimal(0)) + quantity
    if not picked:
        raise FulfilmentError("Choose at least one line and quantity to ship.")
    complete = all(done.get(line.pk, Decimal(0)) >= line.agreed_quantity for line in lines.values())
    event = Event.SHIP_REST if complete else Event.SHIP_PART
    _checked(order, event)
    number = _next_number(order, OutboundKind.SHIP_NOTICE)
    document = fulfilment.ship_notice_request(
        parties(order.system),
        _ref(order),
        number,
        carrier=carrier.strip(),
        tracking_number=tracking_number.strip(),
        shipped=[(_line_ref(line), quantity) for line, quantity in picked],
        complete=complete,
        delivery_date=delivery_date,
    )
    sent = _send(
        order,
        OutboundKind.SHIP_NOTICE,
        number,
        document,
        by,
        carrier=carrier.strip(),
        tracking_number=tracking_number.strip(),
    )
    DocumentLine.objects.bulk_create(
        DocumentLine(document=sent, line=line, quantity=quantity) for line, quantity in picked
    )
    order.move(event)
    return sent


@transaction.atomic
def invoice(
    order_pk: int,
    by: str,
    *,
    quantities: Mapping[int, Decimal],
    tax_rate: Decimal,
    shipping: Decimal | None = None,
) -> OrderDocument:
    """Invoice shipped, not yet invoiced units at the agreed price, with sales tax at
    ``tax_rate`` percent of the subtotal (rounded half up to the cent) and a shipping
    charge: by default (``None``) the order's delivery charge not yet invoiced, so the
    invoice asks for the Shipping the PO agreed to pay; several invoices per order are
    allowed."""
    order = _locked(order_pk)
    if shipping is None:
        shipping = delivery_to_invoice(order)
    if tax_rate < 0 or shipping < 0:
        raise FulfilmentError("Tax rate and shipping cannot be negative.")
    lines = {line.line_number: line for line in order.lines.all()}
    sent_so_far, billed = shipped(order), invoiced(order)
    picked: list[fulfilment.InvoicedLine] = []
    picked_lines: list[PurchaseOrderLine] = []
    for number, quantity in sorted(quantities.items()):
        if quantity == 0:
            continue
        line = lines.get(number)
        if line is None:
            raise FulfilmentError(f"PO {order.order_id} has no line {number}.")
        open_quantity = sent_so_far.get(line.pk, Decimal(0)) - billed.get(line.pk, Decimal(0))
        if quantity < 0 or quantity > open_quantity:
            raise FulfilmentError(
                f"Line {number}: {_q(quantity)} cannot be invoiced; {_q(open_quantity)} shipped "
                "units are not invoiced yet."
            )
        picked.append(fulfilment.InvoicedLine(_line_ref(line), quantity, line.agreed_unit_price))
        picked_lines.append(line)
        billed[line.pk] = billed.get(line.pk, Decimal(0)) + quantity
    if not picked:
        raise FulfilmentError("Choose at least one shipped line and quantity to invoice.")
    complete = all(
        billed.get(line.pk, Decimal(0)) >= line.agreed_quantity for line in lines.values()
    )
    event = Event.INVOICE_REST if complete else Event.INVOICE_PART
    _checked(order, event)
    subtotal = sum((p.amount for p in picked), Decimal(0))
    tax = (subtotal * tax_rate / 100).quantize(CENT, rounding=ROUND_HALF_UP)
    totals = fulfilment.InvoiceTotals(subtotal, tax_rate, tax, shipping.quantize(CENT))
    number = _next_number(order, OutboundKind.INVOICE)
    document = fulfilment.invoice_detail_request(
        parties(order.system), _ref(order), number, picked, totals
    )
    sent = _send(
        order,
        OutboundKind.INVOICE,
        number,
        document,
        by,
        subtotal=subtotal,
        tax=tax,
        shipping=totals.shipping,
        total=totals.total,
        tax_rate=tax_rate,
    )
    DocumentLine.objects.bulk_create(
        DocumentLine(document=sent, line=line, quantity=p.quantity, unit_price=p.unit_price)
        for line, p in zip(picked_lines, picked, strict=True)
    )
    order.move(event)
    return sent


# --- credit memos --------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Creditable:
    """What is left to credit of one invoice: its total and, per order line id, units."""

    invoice: OrderDocument
    total: Decimal
    quantities: dict[int, Decimal]


def creditable(invoice: OrderDocument) -> Creditable:
    """The invoice's total and units, less what its credit memos took back."""
    memos = list(invoice.credit_memos.prefetch_related("lines"))
    quantities = {line.line_id: line.quantity for line in invoice.lines.all()}
    for memo in memos:
        for line in memo.lines.all():
            quantities[line.line_id] = quantities.get(line.line_id, Decimal(0)) - line.quantity
    taken = sum((-(memo.total or Decimal(0)) for memo in memos), Decimal(0))
    return Creditable(invoice, (invoice.total or Decimal(0)) - taken, quantities)


def _credit_lines(
    order: PurchaseOrder, left: Creditable, quantities: Mapping[int, Decimal]
) -> list[tuple[PurchaseOrderLine, fulfilment.InvoicedLine]]:
    """Each line credited, at the unit price the invoice billed it at."""
    lines = {line.line_number: line for line in order.lines.all()}
    prices = {line.line_id: line.unit_price for line in left.invoice.lines.all()}
    picked = []
    for number, quantity in sorted(quantities.items()):
        if quantity == 0:
            continue
        line = lines.get(number)
        if line is None:
            raise FulfilmentError(f"PO {order.order_id} has no line {number}.")
        open_quantity = left.quantities.get(line.pk, Decimal(0))
        if quantity < 0 or quantity > open_quantity:
            raise FulfilmentError(
                f"Line {number}: {_q(quantity)} cannot be credited; invoice "
                f"{left.invoice.number} leaves {_q(open_quantity)} to credit."
            )
        price = prices.get(line.pk) or line.agreed_unit_price
        picked.append((line, fulfilment.InvoicedLine(_line_ref(line), quantity, price)))
    return picked


@transaction.atomic
def credit(
    order_pk: int,
    by: str,
    *,
    invoice_number: str,
    reason: str,
    quantities: Mapping[int, Decimal] | None = None,
    amount: Decimal | None = None,
) -> OrderDocument:
    """Credit units of an invoice (a ``lineLevelCreditMemo``: back at the unit price
    invoiced, with tax at the invoice's rate) or an amount of it (a ``creditMemo``),
    never beyond what the invoice billed less earlier credits; ``reason`` is required
    and reaches the buyer's finance team as the memo's Comments."""
    order = _locked(order_pk)
    reason = reason.strip()
    if not reason:
        raise FulfilmentError("Say why you credit: the buyer's finance team reads the reason.")
    invoice = OrderDocument.objects.filter(
        order=order, kind=OutboundKind.INVOICE, number=invoice_number
    ).first()
    if invoice is None:
        raise FulfilmentError(f"PO {order.order_id} has no invoice {invoice_number}.")
    left = creditable(invoice)
    wanted = {n: q for n, q in (quantities or {}).items() if q}
    if wanted and amount:
        raise FulfilmentError("Credit either units of lines or an amount, not both.")
    currency = order.currency
    if wanted:
        picked = _credit_lines(order, left, wanted)
        subtotal = sum((p.amount for _, p in picked), Decimal(0))
        rate = invoice.tax_rate or Decimal(0)
        tax = (subtotal * rate / 100).quantize(CENT, rounding=ROUND_HALF_UP)
    elif amount is not None and amount > 0:
        picked, subtotal, rate, tax = [], amount.quantize(CENT), Decimal(0), Decimal(0)
    else:
        raise FulfilmentError("Choose the units to credit, or the amount.")
    if subtotal + tax > left.total:
        raise FulfilmentError(
            f"{subtotal + tax:.2f} {currency} cannot be credited: invoice {invoice.number} "
            f"billed {invoice.total:.2f} {currency} and leaves {left.total:.2f} to credit."
        )
    totals = fulfilment.InvoiceTotals(-subtotal, rate, -tax, Decimal(0))
    number = _next_number(order, OutboundKind.CREDIT_MEMO)
    document = fulfilment.credit_memo_request(
        parties(order.system),
        _ref(order),
        number,
        fulfilment.CreditedInvoice(invoice.number, invoice.document.payload_id),
        reason,
        lines=[p for _, p in picked],
        totals=totals,
    )
    sent = _send(
        order,
        OutboundKind.CREDIT_MEMO,
        number,
        document,
        by,
        subtotal=-subtotal,
        tax=-tax,
        shipping=Decimal(0),
        total=totals.total,
        tax_rate=rate,
        credits=invoice,
        reason=reason[:500],
    )
    DocumentLine.objects.bulk_create(
        DocumentLine(document=sent, line=line, quantity=p.quantity, unit_price=p.unit_price)
        for line, p in picked
    )
    return sent
