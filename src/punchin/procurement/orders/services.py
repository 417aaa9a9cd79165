"""Purchase orders: created on approval, changed or cancelled later, each step sent.

Every function here runs inside the caller's transaction (or opens one) and queues
its cXML document with ``punchin.web.delivery.outbox.enqueue`` in that same
transaction: the state change and the document to send commit together, so a crash
can lose neither one without the other (issue 4, "nothing lost").
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from decimal import Decimal

from django.contrib.auth.models import AbstractUser
from django.db import transaction
from django.utils import timezone

from punchin.cxml import Document
from punchin.cxml.order import OrderRequestType
from punchin.procurement.accounts.models import AddressRole, OrganisationAddress
from punchin.procurement.accounts.services import default_address
from punchin.procurement.orders import order_documents
from punchin.procurement.orders.match import MATCHED, Tolerance, match_order
from punchin.procurement.orders.models import (
    MACHINE,
    OPEN,
    RECEIVING,
    TRANSITIONS,
    EventKind,
    OrderEvent,
    PurchaseOrder,
    PurchaseOrderLine,
    State,
    StateChange,
)
from punchin.procurement.partners.delivery import partner_key
from punchin.procurement.partners.models import SupplierPartner
from punchin.procurement.requisitions.models import Origin, Requisition
from punchin.web.delivery.models import OutboundDelivery
from punchin.web.delivery.outbox import enqueue
from punchin.web.statemachine import InvalidTransition


class NotConfigured(InvalidTransition):
    """The supplier partner lacks what sending needs (URL, identity); the text says what."""


def _checked(partner: SupplierPartner, url: str, what: str) -> str:
    if not url:
        raise NotConfigured(
            f"{partner} has no {what} URL: an admin must set it on the supplier partner first"
        )
    if not partner.buyer_identity:
        raise NotConfigured(f"{partner} has no buyer identity for the documents we send it")
    return url


def _send(partner: SupplierPartner, document: Document, url: str, reason: str) -> OutboundDelivery:
    return enqueue(
        document,
        partner_key=partner_key(partner),
        url=url,
        reason=reason,
        partner_name=partner.name,
    )


def send_decision(
    requisition: Requisition, *, approved: bool, comment: str, by: AbstractUser
) -> OutboundDelivery | None:
    """Queue the StatusUpdateRequest that tells the supplier a Punch-in cart's fate (P8).

    Only Punch-in: there the supplier sent the cart and waits for the decision. A
    PunchOut cart was brought back by the requester; in classic PunchOut nothing but
    the OrderRequest goes to the supplier (docs/punchout.md), so nothing is queued.
    """
    if requisition.origin != Origin.PUNCH_IN:
        return None
    partner = requisition.supplier
    url = _checked(partner, partner.status_update_url, "status update")
    document = order_documents.status_update(
        requisition, approved=approved, comment=comment, by=by.email
    )
    decision = order_documents.APPROVED if approved else order_documents.REJECTED
    return _send(partner, document, url, f"{requisition.number} {decision}")


def _address(requisition: Requisition, role: AddressRole) -> OrganisationAddress | None:
    return default_address(requisition.organisation, role)


def create_purchase_order(requisition: Requisition, *, approver: AbstractUser) -> PurchaseOrder:
    """The PO of an approved requisition, its lines, and its OrderRequest queued."""
    partner = requisition.supplier
    _checked(partner, partner.order_url, "order")  # refuse before creating anything
    bill_to = _address(requisition, AddressRole.BILL_TO)
    if bill_to is None:
        raise NotConfigured(
            f"{requisition.organisation} has no default bill-to address; an admin must add one"
        )
    order = PurchaseOrder.objects.create(
        number=f"tmp-{uuid.uuid4().hex[:24]}",
        requisition=requisition,
        organisation=requisition.organisation,
        supplier=partner,
        requester=requisition.requester,
        order_date=timezone.now().replace(microsecond=0),
        currency=requisition.currency,
        tax=requisition.tax,
        shipping=requisition.shipping,
        ship_to=_address(requisition, AddressRole.SHIP_TO),
        bill_to=bill_to,
        cost_centre=requisition.cost_centre,
        gl_account=requisition.gl_account,
    )
    # The primary key makes the number unique without a counter table to lock.
    order.number = f"PO-{order.order_date:%Y}-{order.pk:06d}"
    PurchaseOrder.objects.filter(pk=order.pk).update(number=order.number)
    PurchaseOrderLine.objects.bulk_create(
        PurchaseOrderLine(
            order=order,
            line_number=line.line_number,
            requisition_line=line,
            supplier_part_id=line.supplier_part_id,
            supplier_part_auxiliary_id=line.supplier_part_auxiliary_id,
            description=line.description or line.short_name,
            unit_of_measure=line.unit_of_measure,
            unspsc=line.unspsc,
            unit_price=line.unit_price,
            price_basis_quantity=line.price_basis_quantity,
            quantity=line.quantity,
            requested_delivery_date=requisition.need_by,
        )
        for line in requisition.lines.all()
    )
    OrderEvent.objects.create(
        order=order, kind=EventKind.APPROVED, text=f"approved by {approver.email}"
    )
    _send_order(order, OrderRequestType.NEW, comment=requisition.note)
    return order


def _send_order(
    order: PurchaseOrder,
    type: OrderRequestType,
    *,
    previous: str | None = None,
    comment: str = "",
) -> None:
    lines = list(order.lines.select_related("requisition_line").order_by("line_number"))
    live = lines if type == OrderRequestType.DELETE else [ln for ln in lines if ln.quantity > 0]
    document = order_documents.order_request(
        order, live, type=type, previous_payload_id=previous, comment=comment
    )
    delivery = _send(
        order.supplier,
        document,
        _checked(order.supplier, order.supplier.order_url, "order"),
        f"{order.number} v{order.version} {type}",
    )
    PurchaseOrder.objects.filter(pk=order.pk).update(payload_id=document.payload_id)
    order.payload_id = document.payload_id
    OrderEvent.objects.create(
        order=order,
        kind=EventKind.SENT,
        text=f"OrderRequest type {type}, version {order.version}",
        payload_id=document.payload_id,
        delivery=delivery,
    )


def move_order(
    order: PurchaseOrder,
    to: State,
    *,
    version: int | None = None,
    actor: AbstractUser | None = None,
) -> bool:
    """The one guarded mutator of a PO's state: True if this call made the move, and
    then its history row (``StateChange``) is written in the same transaction.

    A move the table does not list raises ``InvalidTransition``; a move another
    process made first (the row no longer has the state read) returns False.
    """
    changes = {} if version is None else {"version": version}
    source = order.state
    return MACHINE.move(
        PurchaseOrder.objects.filter(pk=order.pk),
        (source,),
        to,
        what=f"PO {order.number}",
        instance=order,
        record=StateChange(
            order=order,
            from_state=source,
            to_state=to,
            why=TRANSITIONS[(source, to)][:200] if (source, to) in TRANSITIONS else "",
            actor=actor,
        ),
        **changes,
    )


def progress(order: PurchaseOrder, tolerance: Tolerance | None = None) -> None:
    """Move the (row-locked) PO to where its receipts and invoices put it: partially
    received, received, invoiced, or back to acknowledged or confirmed once everything
    received went back. Only from the states where goods are received (``RECEIVING``);
    a PO paid, closed or not yet agreed stays as it is."""
    if order.state not in RECEIVING:
        return
    result = match_order(order, tolerance)
    live = [m for m in result.lines if m.agreed > 0]
    tol = tolerance or Tolerance.of(order.organisation)
    received_all = bool(live) and all(
        m.received >= m.agreed or tol.quantity_ok(m.received, m.agreed) for m in live
    )
    invoiced_all = bool(live) and all(
        m.invoiced >= m.agreed or tol.quantity_ok(m.invoiced, m.agreed) for m in live
    )
    if received_all and invoiced_all:
        target = State.INVOICED
    elif received_all:
        target = State.RECEIVED
    elif any(m.received > 0 for m in result.lines):
        target = State.PARTIALLY_RECEIVED
    elif order.lines.exclude(confirmation="").exists():
        target = State.CONFIRMED
    else:
        target = State.ACKNOWLEDGED
    if target != order.state and MACHINE.allows(order.state, target):
        move_order(order, target)


def _settle(order: PurchaseOrder, to: State, by: AbstractUser, kind: EventKind, text: str) -> None:
    with transaction.atomic():
        locked = PurchaseOrder.objects.select_for_update().get(pk=order.pk)
        MACHINE.check(locked.state, to, what=f"PO {locked.number}")
        if to == State.PAID and match_order(locked).status != MATCHED:
            raise InvalidTransition(
                f"PO {locked.number} is held for reconciliation: resolve what the three-way "
                "match found (a credit memo from the supplier, or close the PO) before paying"
            )
        if not move_order(locked, to, actor=by):
            raise InvalidTransition(f"PO {locked.number} changed meanwhile; reload the page")
        OrderEvent.objects.create(order=locked, kind=kind, text=text)
        order.state = locked.state


def mark_paid(order: PurchaseOrder, by: AbstractUser, reference: str = "") -> None:
    """Finance paid the invoices of a matched, invoiced PO."""
    text = f"paid by {by.email}" + (f": {reference}" if reference else "")
    _settle(order, State.PAID, by, EventKind.PAID, text)


def close(order: PurchaseOrder, by: AbstractUser, comment: str = "") -> None:
    """Nothing more is expected on the PO: what did not come will not come."""
    text = f"closed by {by.email}" + (f": {comment}" if comment else "")
    _settle(order, State.CLOSED, by, EventKind.CLOSED, text)


def unchangeable(order: PurchaseOrder) -> str:
    """Why the PO cannot be changed or cancelled now, or "" if it can.

    A change references the latest OrderRequest, so that one must have been answered
    (acknowledged or confirmed); and once anything shipped the supplier refuses every
    change (409, docs/storefront-orders.md), so offering one would only make a
    delivery that needs attention.
    """
    if order.state not in OPEN:
        return (
            f"PO {order.number} is {order.get_state_display().lower()}; it can be changed "
            "or cancelled once the supplier has acknowledged its latest version"
        )
    if order.shipments.exists() or order.receipts.exists():
        return (
            f"PO {order.number} has shipped; the supplier takes no change or cancellation "
            "any more: agree a return or credit note with them"
        )
    return ""


def _locked(order: PurchaseOrder) -> PurchaseOrder:
    """The PO, row-locked, if it may be changed now (``unchangeable``)."""
    locked = PurchaseOrder.objects.select_for_update().select_related("supplier").get(pk=order.pk)
    reason = unchangeable(locked)
    if reason:
        raise InvalidTransition(reason)
    return locked


def change(order: PurchaseOrder, quantities: Mapping[int, Decimal], comment: str = "") -> None:
    """Send an OrderRequest type update with the new quantities (0 cancels a line)."""
    with transaction.atomic():
        locked = _locked(order)
        lines = {line.line_number: line for line in locked.lines.all()}
        changed = {n: q for n, q in quantities.items() if n in lines and lines[n].quantity != q}
        if any(q < 0 or q > lines[n].quantity for n, q in changed.items()):
            raise InvalidTransition(
                "A change may lower quantities (0 cancels a line), not raise them."
            )
        if not changed:
            raise InvalidTransition("Nothing changed: enter a lower quantity for some line.")
        if all((changed.get(n, line.quantity) == 0) for n, line in lines.items()):
            raise InvalidTransition("To cancel every line, cancel the purchase order instead.")
        previous = locked.payload_id
        if not move_order(locked, State.SENT, version=locked.version + 1):
            raise InvalidTransition(f"PO {locked.number} changed meanwhile; reload the page")
        for number, quantity in changed.items():
            PurchaseOrderLine.objects.filter(pk=lines[number].pk).update(quantity=quantity)
        # The supplier confirms a changed order anew (docs/storefront-orders.md): until
        # then its earlier confirmation no longer says what is agreed.
        locked.lines.update(
            confirmed_quantity=None,
            confirmed_unit_price=None,
            confirmed_delivery_date=None,
            confirmation="",
        )
        _send_order(locked, OrderRequestType.UPDATE, previous=previous, comment=comment)


def cancel(order: PurchaseOrder, comment: str = "") -> None:
    """Send an OrderRequest type delete: the whole PO is cancelled."""
    with transaction.atomic():
        locked = _locked(order)
        previous = locked.payload_id
        if not move_order(locked, State.CANCELLED, version=locked.version + 1):
            raise InvalidTransition(f"PO {locked.number} changed meanwhile; reload the page")
        _send_order(locked, OrderRequestType.DELETE, previous=previous, comment=comment)
