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

from punchin.cxml import response_document
from punchin.cxml.envelope import Document
from punchin.cxml.errors import BadRequest, Conflict, ExpectationFailed
from punchin.cxml.fulfill import (
    ConfirmationRequest,
    ConfirmationStatusType,
    ConfirmationType,
    ShipNoticeRequest,
)
from punchin.cxml.invoice import InvoiceDetailOrder, InvoiceDetailRequest, InvoicePurpose
from punchin.procurement.documents.models import CxmlDocument
from punchin.procurement.orders.models import (
    EventKind,
    Invoice,
    InvoiceLine,
    OrderEvent,
    PurchaseOrder,
    PurchaseOrderLine,
    Shipment,
    ShipmentLine,
    State,
)
from punchin.procurement.orders.services import move_order
from punchin.procurement.partners.models import SharedSecret, SupplierPartner
from punchin.web.inbound import Received
from punchin.web.statemachine import InvalidTransition

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


def _invoice_order(partner: SupplierPartner, part: InvoiceDetailOrder) -> PurchaseOrder:
    info = part.order_info
    if info.order_reference is not None:
        return _order(partner, info.order_reference.order_id)
    return _order(partner, info.order_id_info.order_id if info.order_id_info else None)


def invoice(received: Received[SharedSecret, InvoiceDetailRequest]) -> Document:
    partner, document, entry = received.sender.partner, received.document, received.entry
    request = received.payload
    header = request.header
    if header.purpose != InvoicePurpose.STANDARD or header.operation != "new":
        raise BadRequest(
            f"invoice purpose {header.purpose!r} / operation {header.operation!r} is not "
            'supported: send purpose="standard" operation="new"'
        )
    if not request.orders:
        raise BadRequest("InvoiceDetailOrder is missing: invoice lines of our purchase orders")
    summary = request.summary
    single = len(request.orders) == 1
    for part in request.orders:
        order = _invoice_order(partner, part)
        if order.invoices.filter(invoice_id=header.invoice_id).exists():
            raise Conflict(
                f"invoice {header.invoice_id} for PO {order.number} was recorded before "
                "under another payloadID; a corrected invoice needs its own invoiceID"
            )
        lines = _lines(order, (i.item_reference.line_number for i in part.items))
        for item in part.items:
            if item.unit_price.money.currency != order.currency:
                raise BadRequest(
                    f"invoice line {item.invoice_line_number}: currency "
                    f"{item.unit_price.money.currency} differs from PO {order.number}'s "
                    f"{order.currency}"
                )
        subtotal = sum((i.quantity * i.unit_price.money.amount for i in part.items), Decimal(0))
        tax = summary.tax.money.amount if single else Decimal(0)
        shipping = (
            summary.shipping_amount.money.amount
            if single and summary.shipping_amount
            else Decimal(0)
        )
        due = summary.due_amount or summary.net_amount
        created = Invoice.objects.create(
            order=order,
            invoice_id=header.invoice_id,
            invoice_date=header.invoice_date,
            subtotal=subtotal,
            tax=tax,
            shipping=shipping,
            due=due.money.amount if single else subtotal,
            currency=order.currency,
            document=entry,
        )
        InvoiceLine.objects.bulk_create(
            InvoiceLine(
                invoice=created,
                line=lines[item.item_reference.line_number],
                quantity=item.quantity,
                unit_price=item.unit_price.money.amount,
            )
            for item in part.items
        )
        _event(
            order,
            EventKind.INVOICED,
            f"invoice {header.invoice_id}: {created.due:,.2f} {order.currency} due",
            document,
            entry,
        )
    return response_document(200, detail=f"invoice {header.invoice_id} recorded")
