"""Applying what the supplier sends about an order: confirmation, ship notice, invoice.

Each ``apply`` runs in the transaction that stores its answer (``punchin.web.inbound``),
after the document was stored and its sender authenticated. Every refusal is a
``CXMLError`` whose text tells the supplier what to fix; an order we do not know is
417 (docs/protocol.md S1.4: "Expectation Failed", the request names something the receiver
does not have).
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from punchin.cxml import invoice_check, response_document
from punchin.cxml.envelope import Document
from punchin.cxml.errors import BadRequest, Conflict, ExpectationFailed
from punchin.cxml.fulfill import (
    ConfirmationRequest,
    ConfirmationStatusType,
    ConfirmationType,
    ShipNoticeRequest,
)
from punchin.cxml.invoice import (
    InvoiceDetailItem,
    InvoiceDetailOrderInfo,
    InvoiceDetailRequest,
    InvoiceDetailRequestHeader,
)
from punchin.procurement.documents.models import CxmlDocument
from punchin.procurement.orders.match import match_order
from punchin.procurement.orders.models import (
    EventKind,
    Invoice,
    InvoiceLine,
    OrderEvent,
    PurchaseOrder,
    PurchaseOrderLine,
    Purpose,
    Shipment,
    ShipmentLine,
    State,
)
from punchin.procurement.orders.services import move_order, progress
from punchin.procurement.partners.models import SharedSecret, SupplierPartner
from punchin.web.inbound import Received
from punchin.web.statemachine import InvalidTransition

# Goods are arriving: a confirmation now updates what is agreed, not the PO's state.
_ARRIVING = (State.PARTIALLY_RECEIVED, State.RECEIVED, State.INVOICED)
# What a supplier confirms it will deliver; backordered and rejected quantities are not.
_CONFIRMED_TYPES = frozenset({ConfirmationStatusType.ACCEPT, ConfirmationStatusType.DETAIL})


def _order(partner: SupplierPartner, order_id: str | None) -> PurchaseOrder:
    if not order_id:
        raise BadRequest("OrderReference@orderID is missing: send the orderID of our OrderRequest")
    found = (
        PurchaseOrder.objects.select_for_update()
        .filter(supplier=partner, number=order_id.strip())
        .first()
    )
    if found is None:
        raise ExpectationFailed(
            f"no purchase order {order_id!r} was sent to {partner}: OrderReference@orderID "
            "must be the orderID of an OrderRequest we sent you"
        )
    return found


def _lines(order: PurchaseOrder, numbers: Iterable[int]) -> dict[int, PurchaseOrderLine]:
    lines = {line.line_number: line for line in order.lines.all()}
    unknown = sorted({n for n in numbers if n not in lines})
    if unknown:
        raise BadRequest(
            f"PO {order.number} has no line {', '.join(map(str, unknown))}: lineNumber must "
            f"be one of our ItemOut lineNumbers ({', '.join(map(str, sorted(lines)))})"
        )
    return lines


def _event(
    order: PurchaseOrder, kind: EventKind, text: str, document: Document, entry: CxmlDocument
) -> None:
    OrderEvent.objects.create(
        order=order, kind=kind, text=text, payload_id=document.payload_id, document=entry
    )


def _move(order: PurchaseOrder, to: State) -> None:
    """Move the (row-locked) PO; a move its state forbids is the supplier's 409."""
    try:
        move_order(order, to)
    except InvalidTransition as refused:
        raise Conflict(str(refused)) from None


def _latest_version(order: PurchaseOrder, referenced: str) -> None:
    """Refuse a confirmation of an OrderRequest we have since replaced (409).

    ``DocumentReference@payloadID`` names the OrderRequest confirmed. After a change
    (type update) a confirmation of the earlier version may still arrive, late from
    the supplier's queue; applied, it would confirm quantities we no longer order.
    """
    if referenced == order.payload_id:
        return
    if order.state == State.CANCELLED:
        raise Conflict(
            f"PO {order.number} was cancelled (OrderRequest type delete, payloadID "
            f"{order.payload_id}); there is nothing to confirm"
        )
    raise Conflict(
        f"this confirmation refers to OrderRequest {referenced}, which is not the latest "
        f"version of PO {order.number}: confirm version {order.version}, "
        f"DocumentReference payloadID {order.payload_id}"
    )


def confirmation(received: Received[SharedSecret, ConfirmationRequest]) -> Document:
    partner, document, entry = received.sender.partner, received.document, received.entry
    request = received.payload
    header = request.header
    order = _order(partner, request.order_reference.order_id)
    _latest_version(order, request.order_reference.document_reference.payload_id.strip())
    kind = header.type
    if kind == ConfirmationType.REJECT:
        _move(order, State.REJECTED)
        _event(
            order,
            EventKind.REJECTED,
            f"confirmID {header.confirm_id or '-'}: rejected",
            document,
            entry,
        )
        return response_document(200, detail=f"PO {order.number} recorded as rejected")
    if kind not in (
        ConfirmationType.ACCEPT,
        ConfirmationType.DETAIL,
        ConfirmationType.ALL_DETAIL,
        ConfirmationType.EXCEPT,
    ):
        raise BadRequest(
            f"ConfirmationHeader type {kind!r} is not one we apply (accept, detail, reject)"
        )
    lines = _lines(order, (item.line_number for item in request.items))
    listed = {item.line_number for item in request.items}
    for line in lines.values():
        if line.line_number not in listed and line.quantity > 0:
            # FUL-063: a line not listed is confirmed as ordered.
            PurchaseOrderLine.objects.filter(pk=line.pk).update(
                confirmed_quantity=line.quantity, confirmation=ConfirmationStatusType.ACCEPT
            )
    for item in request.items:
        confirmed = Decimal(0)
        price: Decimal | None = None
        delivery = None
        for status in item.statuses:
            if status.type in _CONFIRMED_TYPES:
                confirmed += status.quantity
                if status.unit_price is not None:
                    if status.unit_price.money.currency != order.currency:
                        raise BadRequest(
                            f"line {item.line_number}: currency {status.unit_price.money.currency} "
                            f"differs from the order's {order.currency}"
                        )
                    price = status.unit_price.money.amount
                delivery = status.delivery_date or delivery
        PurchaseOrderLine.objects.filter(pk=lines[item.line_number].pk).update(
            confirmed_quantity=confirmed,
            confirmed_unit_price=price,
            confirmed_delivery_date=delivery,
            confirmation=",".join(sorted({s.type for s in item.statuses}))[:64],
        )
    if order.state in _ARRIVING:
        progress(order)  # a late confirmation: the agreed quantities may have changed
    else:
        _move(order, State.CONFIRMED)
    _event(
        order, EventKind.CONFIRMED, f"confirmID {header.confirm_id or '-'}: {kind}", document, entry
    )
    return response_document(200, detail=f"PO {order.number} recorded as confirmed ({kind})")


def ship_notice(received: Received[SharedSecret, ShipNoticeRequest]) -> Document:
    partner, document, entry = received.sender.partner, received.document, received.entry
    request = received.payload
    header = request.header
    if header.operation != "new":
        raise BadRequest(
            f"ShipNoticeHeader operation {header.operation!r} is not supported: send each "
            'shipment once, as operation="new", with its own shipmentID'
        )
    if not request.portions:
        raise BadRequest("ShipNoticePortion is missing: name the order and its lines")
    control = request.ship_controls[0] if request.ship_controls else None
    carriers = {c.domain: c.value for c in control.carrier_identifiers} if control else {}
    carrier = carriers.get("companyName") or next(iter(carriers.values()), "")
    tracking = control.shipment_identifiers[0] if control and control.shipment_identifiers else None
    for portion in request.portions:
        order = _order(partner, portion.order_reference.order_id)
        if order.shipments.filter(shipment_id=header.shipment_id).exists():
            raise Conflict(
                f"shipment {header.shipment_id} of PO {order.number} was recorded before "
                "under another payloadID; each shipment needs its own shipmentID"
            )
        lines = _lines(order, (item.line_number for item in portion.items))
        bad = [i.line_number for i in portion.items if i.quantity <= 0]
        if bad:
            raise BadRequest(f"line {bad[0]}: a shipped quantity must be positive")
        shipment = Shipment.objects.create(
            order=order,
            shipment_id=header.shipment_id,
            carrier=carrier[:255],
            tracking_number=(tracking.value if tracking else "")[:255],
            tracking_url=(tracking.tracking_url or "" if tracking else "")[:1000],
            shipped_at=header.shipment_date,
            delivery_date=header.delivery_date,
            document=entry,
        )
        ShipmentLine.objects.bulk_create(
            ShipmentLine(shipment=shipment, line=lines[item.line_number], quantity=item.quantity)
            for item in portion.items
        )
        text = f"shipment {header.shipment_id}"
        if carrier or tracking:
            text += f" by {carrier or 'carrier'}, tracking {shipment.tracking_number or '-'}"
        _event(order, EventKind.SHIPPED, text, document, entry)
    return response_document(200, detail=f"shipment {header.shipment_id} recorded")


def _invoice_order(partner: SupplierPartner, info: InvoiceDetailOrderInfo) -> PurchaseOrder:
    if info.order_reference is not None:
        return _order(partner, info.order_reference.order_id)
    return _order(partner, info.order_id_info.order_id if info.order_id_info else None)


def _credited(
    partner: SupplierPartner, header: InvoiceDetailRequestHeader, orders: list[PurchaseOrder]
) -> Invoice:
    """The invoice a credit memo takes back from: named by ``DocumentReference`` (the
    invoice's payloadID) or ``InvoiceIDInfo`` (its invoiceID); both, they must agree."""
    invoices = Invoice.objects.filter(order__supplier=partner, purpose=Purpose.STANDARD)
    by_payload = by_id = None
    if header.document_reference is not None:
        payload_id = header.document_reference.payload_id.strip()
        by_payload = invoices.filter(document__payload_id=payload_id).first()
        if by_payload is None:
            raise ExpectationFailed(
                f"no invoice of yours came with payloadID {payload_id!r}: DocumentReference "
                "must carry the payloadID of the InvoiceDetailRequest this memo credits"
            )
    if header.invoice_id_info is not None:
        invoice_id = header.invoice_id_info.invoice_id.strip()
        by_id = invoices.filter(invoice_id=invoice_id, order__in=orders).first()
        if by_id is None:
            raise ExpectationFailed(
                f"no invoice {invoice_id!r} of yours is recorded for PO "
                f"{', '.join(o.number for o in orders)}: InvoiceIDInfo must name the invoice "
                "this memo credits"
            )
    if by_payload and by_id and by_payload.pk != by_id.pk:
        raise BadRequest(
            "DocumentReference and InvoiceIDInfo name different invoices "
            f"({by_payload.invoice_id} and {by_id.invoice_id}): name the one credited"
        )
    found = by_payload or by_id
    assert found is not None  # invoice_check.refusals requires one of the two
    if found.order not in orders:
        raise BadRequest(
            f"the credited invoice {found.invoice_id} is for PO {found.order.number}, "
            "not the order this memo names"
        )
    return found


def invoice(received: Received[SharedSecret, InvoiceDetailRequest]) -> Document:
    """Record an invoice or credit memo; refuse what cannot be one (400, 417, 409), and
    record the rest with what is wrong with it for reconciliation (200)."""
    partner, document, entry = received.sender.partner, received.document, received.entry
    request = received.payload
    header = request.header
    refused = invoice_check.refusals(request)
    if refused:
        raise BadRequest("; ".join(refused))
    parts: list[tuple[InvoiceDetailOrderInfo, tuple[InvoiceDetailItem, ...]]] = [
        (o.order_info, o.items) for o in request.orders
    ] or [(h.order_info, ()) for h in request.header_orders]
    orders = [_invoice_order(partner, info) for info, _ in parts]
    if len({o.pk for o in orders}) != len(orders):
        raise BadRequest("each purchase order appears once per invoice: merge its lines")
    if len(orders) > 1:
        raise BadRequest(
            "one purchase order per invoice: the summary's tax, shipping and due amount "
            "belong to one order; send one InvoiceDetailRequest per order"
        )
    (order,) = orders
    items = parts[0][1]
    kind = "credit memo" if header.purpose in invoice_check.CREDIT_MEMOS else "invoice"
    if order.invoices.filter(invoice_id=header.invoice_id).exists():
        raise Conflict(
            f"{kind} {header.invoice_id} for PO {order.number} was recorded before "
            f"under another payloadID; a corrected {kind} needs its own invoiceID"
        )
    lines = _lines(order, (i.item_reference.line_number for i in items))
    credits = (
        _credited(partner, header, orders) if header.purpose in invoice_check.CREDIT_MEMOS else None
    )
    totals = invoice_check.totals(request)
    if totals.currency != order.currency:
        raise BadRequest(
            f"the invoice is in {totals.currency}, PO {order.number} in {order.currency}: "
            "invoice in the order's currency"
        )
    problems = invoice_check.arithmetic(request)
    created = Invoice.objects.create(
        order=order,
        invoice_id=header.invoice_id,
        invoice_date=header.invoice_date,
        purpose=header.purpose,
        credits=credits,
        subtotal=totals.subtotal,
        tax=totals.tax,
        special_handling=totals.special_handling,
        shipping=totals.shipping,
        discount=totals.discount,
        gross=totals.gross,
        net=totals.net,
        deposit=totals.deposit,
        due=totals.due,
        currency=order.currency,
        problems=list(problems),
        document=entry,
    )
    InvoiceLine.objects.bulk_create(
        InvoiceLine(
            invoice=created,
            line=lines[item.item_reference.line_number],
            quantity=item.quantity,
            unit_price=item.unit_price.money.amount,
        )
        for item in items
    )
    c = order.currency
    if credits is None:
        text = f"invoice {header.invoice_id}: {invoice_check.amount(created.due, c)} due"
    else:
        text = (
            f"credit memo {header.invoice_id} for invoice {credits.invoice_id}: "
            f"{invoice_check.amount(-created.due, c)} credited"
        )
    _event(order, EventKind.CREDITED if credits else EventKind.INVOICED, text, document, entry)
    progress(order)
    detail = f"{kind} {header.invoice_id} recorded"
    result = match_order(order)
    held = [f"{f.where}: {f.reason}" for f in result.findings] + [
        f"line {m.line.line_number}: {'; '.join(m.reasons)}" for m in result.mismatches
    ]
    if held:
        detail += "; held for reconciliation: " + "; ".join(held)
    return response_document(200, detail=detail[:2000])
