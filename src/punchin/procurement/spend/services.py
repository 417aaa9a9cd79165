"""Spend figures from purchase-order lines: by supplier, UNSPSC segment, cost centre, month.

Three amounts per figure (docs/purchase-orders.md, "Spend"), each at the line's price:

- approved: what live purchase orders commit, every line still ordered (quantity > 0)
  of a PO that is not cancelled or rejected, at the ordered price;
- received: the units received (net of returns), at the agreed price;
- invoiced: the invoice lines' amounts, net of line credit memos, counted only on POs
  whose three-way match holds nothing for reconciliation: an invoice that failed the
  match is not owed until it is resolved.

Tax, shipping and header credit memos belong to no line and are left out of all three.
Sums stay ``Decimal`` and are keyed by currency too: amounts in two currencies are never
added together.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Prefetch, QuerySet

from punchin.procurement.orders.match import MISMATCH, match_orders
from punchin.procurement.orders.models import (
    InvoiceLine,
    PurchaseOrder,
    PurchaseOrderLine,
    ReceiptLine,
    State,
)

CENT = Decimal("0.01")
ZERO = Decimal(0)


@dataclass(frozen=True, slots=True)
class Figure:
    label: str
    currency: str
    amount: Decimal  # approved
    received: Decimal = ZERO
    invoiced: Decimal = ZERO


@dataclass(frozen=True, slots=True)
class Spend:
    by_supplier: tuple[Figure, ...]
    by_segment: tuple[Figure, ...]
    by_cost_centre: tuple[Figure, ...]
    by_month: tuple[Figure, ...]

    @property
    def empty(self) -> bool:
        return not self.by_supplier


@dataclass(frozen=True, slots=True)
class _Amounts:
    line: PurchaseOrderLine
    approved: Decimal
    received: Decimal
    invoiced: Decimal


def _sum(
    rows: list[_Amounts], key: Callable[[PurchaseOrderLine], str], *, by_label: bool
) -> tuple[Figure, ...]:
    totals: dict[tuple[str, str], list[Decimal]] = defaultdict(lambda: [ZERO, ZERO, ZERO])
    for row in rows:
        total = totals[(key(row.line), row.line.order.currency)]
        total[0] += row.approved
        total[1] += row.received
        total[2] += row.invoiced
    figures = [
        Figure(label, currency, *(value.quantize(CENT) for value in values))
        for (label, currency), values in totals.items()
    ]
    if by_label:
        return tuple(sorted(figures, key=lambda f: (f.label, f.currency)))
    return tuple(sorted(figures, key=lambda f: (-f.amount, f.label, f.currency)))


def _amounts(orders: QuerySet[PurchaseOrder]) -> list[_Amounts]:
    held = {result.order.pk for result in match_orders(orders) if result.status == MISMATCH}
    lines = (
        PurchaseOrderLine.objects.filter(order__in=orders)
        .select_related("order__supplier")
        .prefetch_related(
            Prefetch("received", queryset=ReceiptLine.objects.all()),
            Prefetch("invoiced", queryset=InvoiceLine.objects.select_related("line")),
        )
    )
    rows = []
    for line in lines:
        live = line.quantity > 0 and line.order.state not in (State.CANCELLED, State.REJECTED)
        received = sum((r.quantity for r in line.received.all()), ZERO)
        invoiced = (
            ZERO if line.order_id in held else sum((i.amount for i in line.invoiced.all()), ZERO)
        )
        row = _Amounts(
            line,
            line.total if live else ZERO,
            received * line.agreed_unit_price / line.price_basis_quantity,
            invoiced,
        )
        if row.approved or row.received or row.invoiced:
            rows.append(row)
    return rows


def spend(orders: QuerySet[PurchaseOrder]) -> Spend:
    rows = _amounts(orders)
    return Spend(
        by_supplier=_sum(rows, lambda ln: ln.order.supplier.name, by_label=False),
        by_segment=_sum(rows, lambda ln: ln.unspsc[:2] or "unclassified", by_label=False),
        by_cost_centre=_sum(rows, lambda ln: ln.order.cost_centre or "none", by_label=False),
        by_month=_sum(rows, lambda ln: f"{ln.order.order_date:%Y-%m}", by_label=True),
    )
