"""Spend: what was approved, received and invoiced, by supplier, UNSPSC segment, cost
centre and month (docs/spend.md).

Each amount is counted once, where and when it happened, from purchase-order lines:

- approved: a line still ordered (quantity > 0) of a PO that is not cancelled or
  rejected, at the ordered price, in the month of the order;
- received: each goods receipt line (a return is negative), at the agreed price, in
  the month it was recorded;
- invoiced: each invoice line (a credit memo's lines are negative), in the month of
  the invoice, only on POs whose three-way match holds nothing for reconciliation: an
  invoice that failed the match is not owed until it is resolved. A header credit
  memo (an amount, no lines) is spread over the lines of the invoice it credits in
  proportion to their amounts, the last line taking the rounding, so it is taken off
  the same suppliers, segments and cost centres.

Test documents never get here: a request in deploymentMode test records nothing
(docs/test-mode.md). Tax and shipping belong to no line and are left out. Months are
calendar months in UTC (an organisation has no time zone here).
Every amount is a ``Decimal``: each line's at the four places the lines are stored
with, summed exactly, and keyed by currency, so amounts in two currencies are never
added together.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal

from django.db.models import Prefetch, QuerySet

from punchin.procurement.orders.match import MISMATCH, match_orders
from punchin.procurement.orders.models import (
    Invoice,
    InvoiceLine,
    PurchaseOrder,
    PurchaseOrderLine,
    ReceiptLine,
    State,
)

FOUR_PLACES = Decimal("0.0001")
CENT = Decimal("0.01")
ZERO = Decimal(0)
UNCLASSIFIED = "unclassified"
NO_COST_CENTRE = "none"


@dataclass(frozen=True, slots=True)
class Figure:
    """One row of a report: its label, its currency and the three amounts."""

    label: str
    currency: str
    approved: Decimal = ZERO
    received: Decimal = ZERO
    invoiced: Decimal = ZERO


@dataclass(frozen=True, slots=True)
class Entry:
    """Money that moved on one PO line in one month, of one kind."""

    line: PurchaseOrderLine
    month: str
    approved: Decimal = ZERO
    received: Decimal = ZERO
    invoiced: Decimal = ZERO


def segment(unspsc: str) -> str:
    """The UNSPSC segment: the code's first two digits (``44121704`` -> ``44``)."""
    code = unspsc.strip()
    return (
        code[:2] if len(code) >= 2 and code[:2].isascii() and code[:2].isdigit() else UNCLASSIFIED
    )


def month(at: datetime) -> str:
    return f"{at.astimezone(UTC):%Y-%m}"


def exact(amount: Decimal) -> str:
    """``amount`` written exactly, with at least two decimal places (``12.3`` ->
    ``12.30``, ``3.3333`` stays): the page and the CSV show the same figures."""
    shown = amount.normalize()
    exponent = shown.as_tuple().exponent
    if not isinstance(exponent, int) or exponent > -2:
        shown = shown.quantize(CENT)
    return f"{shown:f}"


@dataclass(frozen=True, slots=True)
class Report:
    """One way of grouping spend: its key in URLs, its names, and how it labels a row."""

    key: str
    title: str
    heading: str
    label: Callable[[Entry], str]
    over_time: bool = False


REPORTS = (
    Report("supplier", "Spend by supplier", "Supplier", lambda e: e.line.order.supplier.name),
    Report(
        "segment", "Spend by UNSPSC segment", "UNSPSC segment", lambda e: segment(e.line.unspsc)
    ),
    Report(
        "cost-centre",
        "Spend by cost centre",
        "Cost centre",
        lambda e: e.line.order.cost_centre or NO_COST_CENTRE,
    ),
    Report("month", "Spend by month", "Month (UTC)", lambda e: e.month, over_time=True),
)
BY_KEY = {report.key: report for report in REPORTS}


def _line_amount(quantity: Decimal, price: Decimal, line: PurchaseOrderLine) -> Decimal:
    return (quantity * price / line.price_basis_quantity).quantize(FOUR_PLACES)


def entries(orders: QuerySet[PurchaseOrder]) -> Iterator[Entry]:
    """Every amount of ``orders``' lines, one entry per kind and event."""
    held = {result.order.pk for result in match_orders(orders) if result.status == MISMATCH}
    lines = (
        PurchaseOrderLine.objects.filter(order__in=orders)
        .select_related("order__supplier")
        .prefetch_related(
            Prefetch("received", queryset=ReceiptLine.objects.select_related("receipt")),
            Prefetch("invoiced", queryset=InvoiceLine.objects.select_related("invoice")),
        )
    )
    for line in lines:
        order = line.order
        if line.quantity > 0 and order.state not in (State.CANCELLED, State.REJECTED):
            approved = _line_amount(line.quantity, line.unit_price, line)
            yield Entry(line, month(order.order_date), approved=approved)
        for receipt in line.received.all():
            received = _line_amount(receipt.quantity, line.agreed_unit_price, line)
            yield Entry(line, month(receipt.receipt.recorded_at), received=received)
        if order.pk in held:
            continue
        for billed in line.invoiced.all():
            invoiced = _line_amount(billed.quantity, billed.unit_price, line)
            yield Entry(line, month(billed.invoice.invoice_date), invoiced=invoiced)
    memos = Invoice.objects.filter(
        order__in=orders, credits__isnull=False, lines__isnull=True
    ).exclude(order__in=held)
    for memo in memos.prefetch_related("credits__lines__line__order__supplier"):
        yield from _spread(memo)


def _spread(memo: Invoice) -> Iterator[Entry]:
    """A header credit memo's subtotal over the credited invoice's lines, pro rata."""
    assert memo.credits is not None
    billed = [
        (b.line, _line_amount(b.quantity, b.unit_price, b.line)) for b in memo.credits.lines.all()
    ]
    whole = sum((amount for _, amount in billed), ZERO)
    if not billed or not whole:
        return
    left = memo.subtotal
    when = month(memo.invoice_date)
    for index, (line, amount) in enumerate(billed):
        share = left if index == len(billed) - 1 else (memo.subtotal * amount / whole)
        share = share.quantize(FOUR_PLACES)
        left -= share
        yield Entry(line, when, invoiced=share)


def figures(report: Report, rows: list[Entry]) -> tuple[Figure, ...]:
    """``rows`` summed per label and currency: by month in order, else largest first."""
    totals: dict[tuple[str, str], list[Decimal]] = defaultdict(lambda: [ZERO, ZERO, ZERO])
    for row in rows:
        total = totals[(report.label(row), row.line.order.currency)]
        total[0] += row.approved
        total[1] += row.received
        total[2] += row.invoiced
    found = [Figure(label, currency, *values) for (label, currency), values in totals.items()]
    if report.over_time:
        return tuple(sorted(found, key=lambda f: (f.label, f.currency)))
    return tuple(sorted(found, key=lambda f: (-f.approved, f.label, f.currency)))


@dataclass(frozen=True, slots=True)
class Spend:
    reports: tuple[tuple[Report, tuple[Figure, ...]], ...]

    @property
    def empty(self) -> bool:
        return not any(rows for _, rows in self.reports)

    def of(self, key: str) -> tuple[Figure, ...]:
        return next(rows for report, rows in self.reports if report.key == key)


def spend(orders: QuerySet[PurchaseOrder], reports: tuple[Report, ...] = REPORTS) -> Spend:
    rows = [e for e in entries(orders) if e.approved or e.received or e.invoiced]
    return Spend(tuple((report, figures(report, rows)) for report in reports))
