"""Fulfilment of direct website orders: confirm or reject, ship, invoice.

A direct order (P12's Direct Website purchase) has no purchasing system to write back
to: each action is one move of ``cart.models.ORDER_EVENTS`` with the order's row
locked, recorded as an ``OrderStep``, and the buyer reads the outcome on their order
page. The refusals are ``services.FulfilmentError`` texts, as for purchase orders.
"""

from __future__ import annotations

from django.db import transaction

from punchin.storefront.cart.models import Order, OrderEvent
from punchin.storefront.orders.services import FulfilmentError
from punchin.web.statemachine import InvalidTransition


def _move(order_pk: int, event: OrderEvent, by: str, note: str = "", **changes: object) -> Order:
    order = Order.objects.select_for_update().get(pk=order_pk)
    try:
        order.move(event, by=by, note=note.strip(), **changes)
    except InvalidTransition as exc:
        raise FulfilmentError(str(exc)) from None
    return order


@transaction.atomic
def confirm(order_pk: int, by: str, note: str = "") -> Order:
    """Accept the order as placed."""
    return _move(order_pk, OrderEvent.CONFIRM, by, note)


@transaction.atomic
def reject(order_pk: int, by: str, note: str = "") -> Order:
    """Refuse the whole order; ``note`` tells the buyer why."""
    return _move(order_pk, OrderEvent.REJECT, by, note)


@transaction.atomic
def ship(order_pk: int, by: str, *, carrier: str, tracking_number: str) -> Order:
    """The whole order leaves in one shipment, with the carrier's tracking number."""
    if not carrier.strip() or not tracking_number.strip():
        raise FulfilmentError("A shipment needs the carrier and the tracking number.")
    return _move(
        order_pk,
        OrderEvent.SHIP,
        by,
        carrier=carrier.strip(),
        tracking_number=tracking_number.strip(),
    )


@transaction.atomic
def invoice(order_pk: int, by: str) -> Order:
    """Invoice the shipped order at the prices the buyer saw (its total); the number
    is the order's, so an order is invoiced once."""
    return _move(order_pk, OrderEvent.INVOICE, by, invoice_number=f"INV-W-{order_pk}")
