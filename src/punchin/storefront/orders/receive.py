"""Applying what the purchasing system sends (P8), in the inbound pipeline's transaction.

``status_update`` records approved / rejected on the Punch-in submission named by
``DocumentReference@payloadID`` (the PunchOutSetupRequest's payloadID, P15).
``order_request`` creates, changes or cancels a purchase order whose lines are
matched to the cart lines they were ordered from through SupplierPartAuxiliaryID, in
a Punch-in cart or a PunchOut session's cart (``orders.carts``).
Every refusal is a ``CXMLError`` whose text tells the buyer's admin what to fix.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from punchin.cxml import postal, response_document
from punchin.cxml.common import Address, Comments
from punchin.cxml.envelope import Document
from punchin.cxml.errors import BadRequest, Conflict, ExpectationFailed
from punchin.cxml.order import OrderRequest, OrderRequestType
from punchin.cxml.punchout import ItemIn, ItemOut
from punchin.cxml.statusupdate import DocumentStatus, StatusUpdateRequest
from punchin.storefront.catalog.models import Product
from punchin.storefront.documents.models import CxmlDocument
from punchin.storefront.integration.models import PurchasingSystem
from punchin.storefront.orders.carts import Carts, SentCart
from punchin.storefront.orders.models import (
    Event,
    PurchaseOrder,
    PurchaseOrderLine,
    State,
)
from punchin.storefront.submissions.documents import parse_line_reference
from punchin.storefront.submissions.models import Approval, PunchInSubmission
from punchin.web.inbound import Received
from punchin.web.statemachine import InvalidTransition

# --- StatusUpdateRequest -------------------------------------------------------------

# P8's decision as the purchasing system words it, looked up (lower-cased) first in
# DocumentStatus@type, then in Status@text for documents without a DocumentStatus
# (cXML 1.2.014 has none). See docs/statusupdate.md for what procurement sends.
DECISIONS: dict[str, Approval] = {
    "approved": Approval.APPROVED,
    "approve": Approval.APPROVED,
    "rejected": Approval.REJECTED,
    "reject": Approval.REJECTED,
    "denied": Approval.REJECTED,
}


def decision_of(update: StatusUpdateRequest) -> Approval | None:
    words = []
    if isinstance(update.specific_status, DocumentStatus):
        words.append(update.specific_status.type)
    words.append(update.status.text)
    for word in words:
        if (found := DECISIONS.get(word.strip().lower())) is not None:
            return found
    return None


def _comments(comments: tuple[Comments, ...]) -> str:
    return "\n".join(c.text.strip() for c in comments if c.text.strip())


def status_update(received: Received[PurchasingSystem, StatusUpdateRequest]) -> Document:
    system, entry, update = received.sender, received.entry, received.payload
    if update.document_reference is None:
        raise BadRequest(
            "DocumentReference is missing: it must carry the payloadID of the "
            "PunchOutSetupRequest whose cart was approved or rejected"
        )
    reference = update.document_reference.payload_id
    submission = (
        PunchInSubmission.objects.select_for_update()
        .filter(account=system.account, payload_id=reference)
        .first()
    )
    if submission is None:
        raise ExpectationFailed(
            f"no Punch-in cart of {system.account} has payloadID {reference!r}: "
            "DocumentReference must carry the payloadID of the PunchOutSetupRequest "
            "this store sent"
        )
    decision = decision_of(update)
    if decision is None:
        raise BadRequest(
            "cannot tell whether the cart was approved or rejected: send DocumentStatus "
            f"type {' or '.join(sorted(DECISIONS))} (found Status text "
            f"{update.status.text!r})"
        )
    # The buyer reads who decided and the approver's words; the Status code and text
    # (200 OK: the update itself is fine) stay in the document, linked from the note.
    note = [update.status.detail.strip()]
    if isinstance(update.specific_status, DocumentStatus):
        note.append(_comments(update.specific_status.comments))
    PunchInSubmission.objects.filter(pk=submission.pk).update(
        approval=decision,
        approval_note="\n".join(part for part in note if part),
        approval_at=timezone.now(),
        approval_document=entry,
    )
    return response_document(200, detail=f"cart {reference} recorded as {decision.label.lower()}")


# --- OrderRequest ----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Matched:
    """An ItemOut and the cart line it was ordered from."""

    line_number: int
    item: ItemOut
    cart: SentCart
    cart_line: int
    cart_item: ItemIn


def _match(system: PurchasingSystem, order: OrderRequest, currency: str) -> list[Matched]:
    """Each ItemOut with its cart line, a Punch-in cart's or a PunchOut cart's alike, or
    a 400 listing every line that does not fit."""
    problems: list[str] = []
    matched: list[Matched] = []
    seen: set[int] = set()
    carts = Carts(system.account)
    for position, item in enumerate(order.items, start=1):
        number = item.line_number or position
        where = f"line {number} ({item.item_id.supplier_part_id})"
        if number in seen:
            problems.append(f"{where}: lineNumber {number} appears twice")
            continue
        seen.add(number)
        aux = item.item_id.supplier_part_auxiliary_id
        if aux is None or parse_line_reference(aux.value) is None:
            problems.append(
                f"{where}: SupplierPartAuxiliaryID must be the one of the cart line "
                "(this store issues it as <payloadID>:<line>)"
            )
            continue
        found = carts.line(aux.value)
        if found is None:
            problems.append(f"{where}: no cart line {aux.value!r} in this account")
            continue
        cart, cart_line, cart_item = found
        if cart.submission is not None and cart.submission.approval == Approval.REJECTED:
            problems.append(
                f"{where}: the cart {cart.document.payload_id} was rejected (StatusUpdateRequest)"
            )
            continue
        problems.extend(_differences(where, item, cart_item, currency))
        matched.append(Matched(number, item, cart, cart_line, cart_item))
    if problems:
        raise BadRequest("; ".join(problems))
    return matched


def _differences(where: str, item: ItemOut, cart_item: ItemIn, currency: str) -> list[str]:
    """What makes an ordered line differ from its cart line (the cart's terms hold)."""
    found: list[str] = []
    if item.item_id.supplier_part_id != cart_item.item_id.supplier_part_id:
        found.append(
            f"{where}: SupplierPartID differs from the cart's "
            f"{cart_item.item_id.supplier_part_id!r}"
        )
    if item.quantity <= 0 or item.quantity != item.quantity.to_integral_value():
        found.append(f"{where}: quantity {item.quantity} is not a positive whole number")
    elif item.quantity > cart_item.quantity:
        found.append(f"{where}: quantity {item.quantity} exceeds the cart's {cart_item.quantity}")
    if item.item_detail is None:
        found.append(f"{where}: ItemDetail with the UnitPrice is missing")
        return found
    price = item.item_detail.unit_price.money
    cart_price = cart_item.item_detail.unit_price.money
    if price.currency != currency:
        found.append(f"{where}: currency {price.currency} differs from the order's {currency}")
    elif price.amount != cart_price.amount or price.currency != cart_price.currency:
        found.append(
            f"{where}: unit price {price.amount} {price.currency} differs from the cart's "
            f"{cart_price.amount} {cart_price.currency}"
        )
    if item.item_detail.unit_of_measure != cart_item.item_detail.unit_of_measure:
        found.append(
            f"{where}: unit of measure {item.item_detail.unit_of_measure} differs from the "
            f"cart's {cart_item.item_detail.unit_of_measure}"
        )
    return found


def _address(address: Address | None) -> str:
    """As the address's country writes it; the store's own country is left off."""
    return "\n".join(postal.lines_of(address, home=settings.PUNCHIN_MARKETPLACE))


def _lines(order: PurchaseOrder, matched: list[Matched]) -> None:
    products = {
        p.supplier_part_id: p
        for p in Product.objects.filter(
            supplier_part_id__in=[m.item.item_id.supplier_part_id for m in matched]
        )
    }
    PurchaseOrderLine.objects.bulk_create(
        PurchaseOrderLine(
            order=order,
            line_number=m.line_number,
            cart=m.cart.document,
            cart_line=m.cart_line,
            submission=m.cart.submission,
            product=products.get(m.item.item_id.supplier_part_id),
            supplier_part_id=m.item.item_id.supplier_part_id,
            supplier_part_auxiliary_id=m.item.item_id.supplier_part_auxiliary_id.value,  # type: ignore[union-attr]
            description=next((d.text for d in m.cart_item.item_detail.descriptions), ""),
            unit_of_measure=m.cart_item.item_detail.unit_of_measure,
            quantity=m.item.quantity,
            unit_price=m.cart_item.item_detail.unit_price.money.amount,
            requested_delivery_date=m.item.requested_delivery_date,
        )
        for m in matched
    )


def _already_ordered(system: PurchasingSystem, order_id: str, matched: list[Matched]) -> None:
    """A cart line is bought once: another live order for it is a buyer-side mistake."""
    for m in matched:
        other = (
            PurchaseOrderLine.objects.filter(
                cart=m.cart.document, cart_line=m.cart_line, order__account=system.account
            )
            .exclude(order__order_id=order_id)
            .exclude(order__state__in=(State.CANCELLED, State.REJECTED))
            .select_related("order")
            .first()
        )
        if other is not None:
            raise Conflict(
                f"line {m.line_number}: cart line {m.cart.document.payload_id}:{m.cart_line} "
                f"is already ordered by PO {other.order.order_id}"
            )


def _header_values(document: Document, order: OrderRequest) -> dict[str, object]:
    header = order.header
    return {
        "order_date": header.order_date,
        "payload_id": document.payload_id,
        "requisition_id": header.requisition_id or "",
        "requested_delivery_date": header.requested_delivery_date,
        "currency": header.total.money.currency,
        "total": header.total.money.amount,
        "tax": header.tax.money.amount if header.tax else None,
        "shipping": header.shipping.money.amount if header.shipping else None,
        "ship_to": _address(header.ship_to.address if header.ship_to else None),
        "bill_to": _address(header.bill_to.address),
        "comments": _comments(header.comments),
    }


def order_request(received: Received[PurchasingSystem, OrderRequest]) -> Document:
    """The order points at the document's row in the log (``received.entry``)."""
    system, document, entry, order = (
        received.sender,
        received.document,
        received.entry,
        received.payload,
    )
    header = order.header
    order_id = header.order_id.strip()
    if not order_id:
        raise BadRequest("orderID is empty")
    if header.type == OrderRequestType.NEW:
        return _new(system, document, entry, order, order_id)
    if header.type in (OrderRequestType.UPDATE, OrderRequestType.DELETE):
        return _change(system, document, entry, order, order_id)
    raise BadRequest(f"OrderRequestHeader type {header.type!r} is not new, update or delete")


def _new(
    system: PurchasingSystem,
    document: Document,
    entry: CxmlDocument,
    order: OrderRequest,
    order_id: str,
) -> Document:
    if PurchaseOrder.objects.filter(account=system.account, order_id=order_id).exists():
        raise _duplicate(order_id)
    matched = _match(system, order, order.header.total.money.currency)
    _already_ordered(system, order_id, matched)
    try:
        with transaction.atomic():
            created = PurchaseOrder.objects.create(
                account=system.account,
                system=system,
                order_id=order_id,
                order_version=int(order.header.order_version or 1),
                document=entry,
                **_header_values(document, order),
            )
    except IntegrityError:
        # Another payloadID with this orderID committed while we worked.
        raise _duplicate(order_id) from None
    _lines(created, matched)
    return response_document(200, detail=f"PO {order_id} received with {len(matched)} lines")


def _duplicate(order_id: str) -> Conflict:
    return Conflict(
        f'PO {order_id} exists already: send a change as type="update" with a '
        "DocumentReference to the most recent OrderRequest of that order"
    )


def _change(
    system: PurchasingSystem,
    document: Document,
    entry: CxmlDocument,
    order: OrderRequest,
    order_id: str,
) -> Document:
    header = order.header
    if header.document_reference is None:
        raise BadRequest(
            f'type="{header.type}" needs a DocumentReference to the most recent '
            f"OrderRequest of PO {order_id}"
        )
    existing = (
        PurchaseOrder.objects.select_for_update()
        .filter(account=system.account, order_id=order_id)
        .first()
    )
    if existing is None:
        raise ExpectationFailed(f"no PO {order_id} was received by this store")
    previous = header.document_reference.payload_id
    if previous != existing.payload_id:
        raise Conflict(
            f"the DocumentReference {previous!r} is not the most recent OrderRequest of "
            f"PO {order_id} (that is {existing.payload_id!r})"
        )
    event = Event.CANCEL if header.type == OrderRequestType.DELETE else Event.CHANGE
    try:
        existing.move(event)
    except InvalidTransition as exc:
        raise Conflict(f"PO {order_id}: {exc}") from None
    if event == Event.CANCEL:
        PurchaseOrder.objects.filter(pk=existing.pk).update(
            payload_id=document.payload_id, document=entry
        )
        return response_document(200, detail=f"PO {order_id} cancelled")
    matched = _match(system, order, header.total.money.currency)
    _already_ordered(system, order_id, matched)
    values = _header_values(document, order)
    PurchaseOrder.objects.filter(pk=existing.pk).update(
        order_version=int(header.order_version or existing.order_version + 1),
        document=entry,
        **values,
    )
    existing.lines.all().delete()
    _lines(existing, matched)
    return response_document(200, detail=f"PO {order_id} changed; it will be confirmed again")
