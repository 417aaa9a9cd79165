"""Applying what the purchasing system sends (P8), in the inbound pipeline's transaction.

``status_update`` records approved / rejected on the Punch-in submission named by
``DocumentReference@payloadID`` (the PunchOutSetupRequest's payloadID, P15).
``order_request`` creates, changes or cancels a purchase order whose lines are
matched to the cart lines they were ordered from through SupplierPartAuxiliaryID, in
a Punch-in cart or a PunchOut session's cart (``orders.carts``), and whose delivery
is checked against what those carts carried (P41, ``_delivery``).
Every refusal is a ``CXMLError`` whose text tells the buyer's admin what to fix.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from punchin.cxml import postal, response_document
from punchin.cxml.common import Address, Comments
from punchin.cxml.delivery import (
    address_differences,
    address_of,
    payment_label,
    payment_method_of,
)
from punchin.cxml.envelope import Document
from punchin.cxml.errors import BadRequest, Conflict, ExpectationFailed
from punchin.cxml.names import name_of
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


def _carts(matched: list[Matched]) -> list[SentCart]:
    """The carts the order's lines come from, each once, in the order's order."""
    found: dict[int, SentCart] = {}
    for m in matched:
        found.setdefault(m.cart.document.pk, m.cart)
    return list(found.values())


def _shipping(order: OrderRequest, carts: list[SentCart]) -> dict[str, str]:
    """The carts' Shipping is their price for the speed the buyer chose: an order that
    leaves out a charge or pays another amount is refused, since the store would
    invoice what the PO does not cover. Orders of carts without Shipping are not
    checked."""
    charges = [(c.document.payload_id, c.header.shipping) for c in carts if c.header.shipping]
    if not charges:
        return {}
    currency = order.header.total.money.currency
    expected = sum((charge.money.amount for _, charge in charges), Decimal(0))
    speeds = "; ".join(charge.description.text.strip() for _, charge in charges)
    names = ", ".join(name for name, _ in charges)
    found = order.header.shipping
    if found is None and expected == 0:
        return {"delivery": speeds[:200]}  # free delivery: nothing to pay, nothing to say
    if found is None:
        raise BadRequest(
            f"Shipping is missing: the cart {names} charges {expected} {currency} for "
            f"delivery ({speeds}); send it as OrderRequestHeader/Shipping"
        )
    if found.money.amount != expected or found.money.currency != currency:
        raise BadRequest(
            f"Shipping {found.money.amount} {found.money.currency} differs from the "
            f"{expected} {currency} the cart {names} charges for delivery ({speeds})"
        )
    return {"delivery": speeds[:200]}


def _ship_to(order: OrderRequest, carts: list[SentCart], attention: list[str]) -> dict[str, str]:
    """A ShipTo other than the cart's is accepted, since the buyer's system may
    legitimately change it (a requester's new address), and noted for the staff; an
    order without a place to ship to goes where its cart said."""
    sent = [(c.document.payload_id, c.ship_to) for c in carts if c.ship_to is not None]
    ordered = order.header.ship_to.address if order.header.ship_to is not None else None
    if ordered is None or ordered.postal_address is None:
        if ordered is not None and sent:
            attention.append("the order's ShipTo has no postal address: the cart's is used")
        return {"ship_to": sent[0][1].text(home=settings.PUNCHIN_MARKETPLACE)} if sent else {}
    found = address_of(ordered)
    for name, expected in sent:
        differences = address_differences(expected, found)
        if differences:
            attention.append(f"ShipTo differs from cart {name}: " + "; ".join(differences))
    return {}


def _payment(order: OrderRequest, carts: list[SentCart], attention: list[str]) -> None:
    """A payment method other than the one chosen at checkout is noted for the staff."""
    paid = payment_method_of(order.header.extrinsics)
    for cart in carts:
        chosen = cart.payment_method
        if paid and chosen and paid != chosen:
            attention.append(
                f"payment method {payment_label(paid)!r} differs from cart "
                f"{cart.document.payload_id}'s {payment_label(chosen)!r}"
            )


def _delivery(order: OrderRequest, matched: list[Matched]) -> dict[str, str]:
    """P41: the order against the delivery its carts carried: the ``ship_to`` (when
    the order names none), ``delivery`` (the speed) and ``attention`` (what the staff
    check before shipping) values of the purchase order."""
    carts = _carts(matched)
    attention: list[str] = []
    values = _shipping(order, carts) | _ship_to(order, carts, attention)
    _payment(order, carts, attention)
    return values | {"attention": "\n".join(attention)}


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
            name=name_of(next(iter(m.cart_item.item_detail.descriptions), None)),
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
    values = _header_values(document, order) | _delivery(order, matched)
    try:
        with transaction.atomic():
            created = PurchaseOrder.objects.create(
                account=system.account,
                system=system,
                order_id=order_id,
                order_version=int(order.header.order_version or 1),
                document=entry,
                **values,
            )
    except IntegrityError:
        # Another payloadID with this orderID committed while we worked.
        raise _duplicate(order_id) from None
    _lines(created, matched)
    detail = f"PO {order_id} received with {len(matched)} lines{_flagged(values)}"
    return response_document(200, detail=detail)


def _flagged(values: dict[str, object]) -> str:
    """What the answer adds when the staff will check a difference (P41)."""
    if not values.get("attention"):
        return ""
    return f"; the store will check before shipping: {values['attention']}".replace("\n", "; ")


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
    values = _header_values(document, order) | _delivery(order, matched)
    PurchaseOrder.objects.filter(pk=existing.pk).update(
        order_version=int(header.order_version or existing.order_version + 1),
        document=entry,
        **values,
    )
    existing.lines.all().delete()
    _lines(existing, matched)
    return response_document(
        200, detail=f"PO {order_id} changed; it will be confirmed again{_flagged(values)}"
    )
