"""Spend figures from purchase-order lines: by supplier, UNSPSC segment, cost centre, month.

Spend is what live purchase orders commit: every line still ordered (quantity > 0)
of a PO that is not cancelled or rejected, at its ordered price, in its currency.
Sums stay ``Decimal`` and are keyed by currency too: amounts in two currencies are
never added together.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import QuerySet

from punchin.procurement.orders.models import PurchaseOrder, PurchaseOrderLine, State

CENT = Decimal("0.01")


@dataclass(frozen=True, slots=True)
class Figure:
    label: str
    currency: str
    amount: Decimal


@dataclass(frozen=True, slots=True)
class Spend:
    by_supplier: tuple[Figure, ...]
    by_segment: tuple[Figure, ...]
    by_cost_centre: tuple[Figure, ...]
    by_month: tuple[Figure, ...]

    @property
    def empty(self) -> bool:
        return not self.by_supplier


def _sum(
    lines: list[PurchaseOrderLine], key: Callable[[PurchaseOrderLine], str], *, by_label: bool
) -> tuple[Figure, ...]:
    totals: dict[tuple[str, str], Decimal] = defaultdict(Decimal)
    for line in lines:
        totals[(key(line), line.order.currency)] += line.total
    figures = [
        Figure(label, currency, amount.quantize(CENT))
        for (label, currency), amount in totals.items()
    ]
    if by_label:
        return tuple(sorted(figures, key=lambda f: (f.label, f.currency)))
    return tuple(sorted(figures, key=lambda f: (-f.amount, f.label, f.currency)))


def spend(orders: QuerySet[PurchaseOrder]) -> Spend:
    lines = list(
        PurchaseOrderLine.objects.filter(order__in=orders, quantity__gt=0)
        .exclude(order__state__in=(State.CANCELLED, State.REJECTED))
        .select_related("order__supplier")
    )
    return Spend(
        by_supplier=_sum(lines, lambda ln: ln.order.supplier.name, by_label=False),
        by_segment=_sum(lines, lambda ln: ln.unspsc[:2] or "unclassified", by_label=False),
        by_cost_centre=_sum(lines, lambda ln: ln.order.cost_centre or "none", by_label=False),
        by_month=_sum(lines, lambda ln: f"{ln.order.order_date:%Y-%m}", by_label=True),
    )
