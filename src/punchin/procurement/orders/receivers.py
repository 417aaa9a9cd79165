"""``delivery_settled``: the supplier's answer to an OrderRequest moves the PO.

Runs inside the delivery layer's transaction, so the PO's state and timeline commit
with the delivery's own state, or not at all. Only the PO's latest OrderRequest moves
its state; an answer to an earlier version is recorded on the timeline only.
"""

from __future__ import annotations

from typing import Any

from django.dispatch import receiver

from punchin.procurement.orders.models import (
    MACHINE,
    EventKind,
    OrderEvent,
    PurchaseOrder,
    State,
)
from punchin.procurement.orders.services import move_order
from punchin.web.delivery.models import OutboundDelivery
from punchin.web.delivery.signals import delivery_settled
from punchin.web.delivery.states import State as DeliveryState


@receiver(delivery_settled, sender=OutboundDelivery, dispatch_uid="procurement-orders-settled")
def order_settled(sender: type[OutboundDelivery], delivery: OutboundDelivery, **_: Any) -> None:
    sent = (
        OrderEvent.objects.filter(delivery=delivery, kind=EventKind.SENT)
        .select_related("order")
        .first()
    )
    if sent is None:  # not an OrderRequest of ours (a StatusUpdateRequest, say)
        return
    order = PurchaseOrder.objects.select_for_update().get(pk=sent.order.pk)
    answer = f"{delivery.last_status_code or ''} {delivery.last_status_text}".strip()
    delivered = delivery.state == DeliveryState.DELIVERED
    OrderEvent.objects.create(
        order=order,
        kind=EventKind.ACKNOWLEDGED if delivered else EventKind.NEEDS_ATTENTION,
        text=answer or delivery.last_error[:500],
        payload_id=delivery.payload_id,
        delivery=delivery,
    )
    if order.payload_id != delivery.payload_id:
        return
    target = State.ACKNOWLEDGED if delivered else State.NEEDS_ATTENTION
    if MACHINE.allows(order.state, target):
        move_order(order, target)
