"""The three-way match: ordered vs shipped vs invoiced, quantity and price, per line.

Tolerances come from settings (``PUNCHIN_MATCH_*``, see ``settings.py``): a quantity
may differ by a percentage of the ordered quantity, a unit price by a percentage of
the agreed price or an absolute amount, whichever is larger. A line is

- ``matched``: shipped and invoiced quantities equal the agreed one, and the invoiced
  price the agreed one, all within tolerance (agreed: confirmed by the supplier, else
  ordered; a supplier that confirms fewer units rejects the rest);
- ``mismatch``: something is beyond tolerance (more shipped or invoiced than agreed,
  more invoiced than shipped, a price that differs), with the reasons;
- ``open``: nothing is wrong yet but the line is not fully shipped and invoiced.

A purchase order is matched when every line it still orders is matched; cancelled or
wholly rejected lines (agreed quantity 0) count only if something was shipped or
invoiced against them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.db.models import Prefetch, Q, QuerySet

from punchin.procurement.orders.models import (
    InvoiceLine,
    PurchaseOrder,
    PurchaseOrderLine,
    ShipmentLine,
)

MATCHED = "matched"
MISMATCH = "mismatch"
OPEN = "open"


@dataclass(frozen=True, slots=True)
class Tolerance:
    quantity_percent: Decimal
    price_percent: Decimal
    price_amount: Decimal

    @classmethod
    def from_settings(cls) -> Tolerance:
        return cls(
            Decimal(str(settings.PUNCHIN_MATCH_QUANTITY_PERCENT)),
            Decimal(str(settings.PUNCHIN_MATCH_PRICE_PERCENT)),
            Decimal(str(settings.PUNCHIN_MATCH_PRICE_AMOUNT)),
        )

    def quantity_ok(self, actual: Decimal, expected: Decimal) -> bool:
        return abs(actual - expected) <= expected * self.quantity_percent / 100

    def price_ok(self, actual: Decimal, expected: Decimal) -> bool:
        allowed = max(expected * self.price_percent / 100, self.price_amount)
        return abs(actual - expected) <= allowed


@dataclass(frozen=True, slots=True)
class LineMatch:
    line: PurchaseOrderLine
    ordered: Decimal
    agreed: Decimal
    shipped: Decimal
    invoiced: Decimal
    agreed_price: Decimal
    invoiced_price: Decimal | None
    status: str
    reasons: tuple[str, ...] = field(default=())


@dataclass(frozen=True, slots=True)
class OrderMatch:
    order: PurchaseOrder
    lines: tuple[LineMatch, ...]

    @property
    def status(self) -> str:
        counted = [m for m in self.lines if m.agreed > 0 or m.shipped or m.invoiced]
        if any(m.status == MISMATCH for m in counted):
            return MISMATCH
        if counted and all(m.status == MATCHED for m in counted):
            return MATCHED
        return OPEN

    @property
    def mismatches(self) -> tuple[LineMatch, ...]:
        return tuple(m for m in self.lines if m.status == MISMATCH)


def _fmt(value: Decimal) -> str:
    return f"{value.normalize():f}"


def match_line(line: PurchaseOrderLine, tolerance: Tolerance) -> LineMatch:
    shipped = sum((s.quantity for s in line.shipped.all()), Decimal(0))
    invoice_lines = list(line.invoiced.all())
    invoiced = sum((i.quantity for i in invoice_lines), Decimal(0))
    ordered = line.quantity
    expected = line.agreed_quantity
    agreed = line.agreed_unit_price
    basis = "ordered" if line.confirmed_quantity is None else "confirmed"
    invoiced_price = None
    if invoiced:
        invoiced_price = (
            sum((i.quantity * i.unit_price for i in invoice_lines), Decimal(0)) / invoiced
        )
    reasons: list[str] = []
    if shipped > expected and not tolerance.quantity_ok(shipped, expected):
        reasons.append(f"shipped {_fmt(shipped)} but {basis} {_fmt(expected)}")
    if invoiced > shipped and not tolerance.quantity_ok(invoiced, shipped):
        reasons.append(f"invoiced {_fmt(invoiced)} but shipped {_fmt(shipped)}")
    elif invoiced > expected and not tolerance.quantity_ok(invoiced, expected):
        reasons.append(f"invoiced {_fmt(invoiced)} but {basis} {_fmt(expected)}")
    if invoiced_price is not None and not tolerance.price_ok(invoiced_price, agreed):
        reasons.append(
            f"invoiced unit price {invoiced_price:.2f} but agreed {agreed:.2f} "
            f"{line.order.currency}"
        )
    if reasons:
        status = MISMATCH
    elif (
        expected > 0
        and tolerance.quantity_ok(shipped, expected)
        and tolerance.quantity_ok(invoiced, expected)
    ):
        status = MATCHED
    else:
        status = OPEN
    return LineMatch(
        line, ordered, expected, shipped, invoiced, agreed, invoiced_price, status, tuple(reasons)
    )


def _with_quantities(orders: QuerySet[PurchaseOrder]) -> QuerySet[PurchaseOrder]:
    lines = PurchaseOrderLine.objects.select_related("order").prefetch_related(
        Prefetch("shipped", queryset=ShipmentLine.objects.all()),
        Prefetch("invoiced", queryset=InvoiceLine.objects.all()),
    )
    return orders.prefetch_related(Prefetch("lines", queryset=lines))


def match_order(order: PurchaseOrder, tolerance: Tolerance | None = None) -> OrderMatch:
    tolerance = tolerance or Tolerance.from_settings()
    loaded = _with_quantities(PurchaseOrder.objects.filter(pk=order.pk)).get()
    return OrderMatch(loaded, tuple(match_line(line, tolerance) for line in loaded.lines.all()))


def reconciliation(orders: QuerySet[PurchaseOrder]) -> list[OrderMatch]:
    """The POs among ``orders`` with at least one line beyond tolerance."""
    tolerance = Tolerance.from_settings()
    found = []
    touched = orders.filter(Q(invoices__isnull=False) | Q(shipments__isnull=False)).distinct()
    for order in _with_quantities(touched):
        result = OrderMatch(order, tuple(match_line(line, tolerance) for line in order.lines.all()))
        if result.status == MISMATCH:
            found.append(result)
    return found
