"""The one guarded state change of a delivery (``states`` holds its table).

Everything that moves a delivery calls ``move``: the worker's claim and settle
(``tasks``) and staff's "Retry now" (``outbox``).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.db.models import Q

from .models import OutboundDelivery
from .signals import delivery_settled
from .states import MACHINE, SETTLED, State


def move(
    delivery_id: int,
    sources: Iterable[State],
    target: State,
    *,
    when: Q | None = None,
    **changes: Any,
) -> OutboundDelivery | None:
    """The one guarded state change: move the delivery from one of ``sources`` to
    ``target`` if it is still there (and ``when`` holds); return it, or None if
    another process got there first.

    A conditional UPDATE, so exactly one of two racing processes wins. A move into a
    settled state sends ``delivery_settled`` in the same transaction.
    """
    rows = OutboundDelivery.objects.filter(pk=delivery_id)
    if when is not None:
        rows = rows.filter(when)
    with transaction.atomic():
        if not MACHINE.move(rows, sources, target, what=f"delivery {delivery_id}", **changes):
            return None
        delivery = OutboundDelivery.objects.get(pk=delivery_id)
        if target in SETTLED:
            delivery_settled.send(sender=OutboundDelivery, delivery=delivery)
    return delivery
