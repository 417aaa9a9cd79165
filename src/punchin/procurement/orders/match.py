"""The three-way match: the order, what was received, what was invoiced; per line and for
the whole PO (docs/purchase-orders.md, "Three-way match").

Tolerances are the organisation's (``MatchTolerance``): each limit is the larger of a
percentage of the expected value and an absolute amount. A line is

- ``matched``: received and invoiced quantities equal the agreed one, and the invoiced
  price the agreed one, all within tolerance (agreed: confirmed by the supplier, else
  ordered; a supplier that confirms fewer units rejects the rest);
- ``mismatch``: something is beyond tolerance (more received or invoiced than agreed,
  more invoiced than received, a price that differs), with the reasons in words;
- ``open``: nothing is wrong yet but the line is not fully received and invoiced.

Shipped quantities are shown, never matched: the ship notice is the supplier's word,
the receipt ours. For the whole PO the invoices' tax, shipping and special handling may
not exceed the order's, each invoice's own arithmetic must add up (``Invoice.problems``),
credit memos may not take back more than the invoice they credit, and nothing is owed on
a cancelled or rejected order. A PO is matched when nothing is beyond tolerance and every
line it still orders is matched; cancelled or wholly rejected lines (agreed quantity 0)
count only if something was received or invoiced against them.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Prefetch, Q, QuerySet

from punchin.cxml.invoice_check import amount
from punchin.procurement.accounts.models import Organisation
from punchin.procurement.orders.models import (
    Invoice,
    InvoiceLine,
    MatchTolerance,
    PurchaseOrder,
    PurchaseOrderLine,
    ReceiptLine,
    ShipmentLine,
    State,
)

MATCHED = "matched"
MISMATCH = "mismatch"
OPEN = "open"


def _within(actual: Decimal, expected: Decimal, percent: Decimal, absolute: Decimal) -> bool:
    return abs(actual - expected) <= max(abs(expected) * percent / 100, absolute)


@dataclass(frozen=True, slots=True)
class Tolerance:
    """One organisation's limits, read once per match."""

    quantity_percent: Decimal
    quantity_amount: Decimal
    price_percent: Decimal
    price_amount: Decimal
    tax_percent: Decimal
    tax_amount: Decimal
    shipping_percent: Decimal
    shipping_amount: Decimal

    @classmethod
    def of(cls, organisation: Organisation) -> Tolerance:
        row = MatchTolerance.objects.filter(organisation=organisation).first()
        row = row or MatchTolerance(organisation=organisation)  # the defaults
        return cls(
            row.quantity_percent,
            row.quantity_amount,
            row.price_percent,
            row.price_amount,
            row.tax_percent,
            row.tax_amount,
            row.shipping_percent,
            row.shipping_amount,
        )

    def quantity_ok(self, actual: Decimal, expected: Decimal) -> bool:
        return _within(actual, expected, self.quantity_percent, self.quantity_amount)

    def price_ok(self, actual: Decimal, expected: Decimal) -> bool:
        return _within(actual, expected, self.price_percent, self.price_amount)

    def tax_allowed(self, ordered: Decimal) -> Decimal:
        """How much invoiced tax may exceed the order's."""
        return max(abs(ordered) * self.tax_percent / 100, self.tax_amount)

    def shipping_allowed(self, ordered: Decimal) -> Decimal:
        """How much invoiced shipping (or special handling) may exceed the order's."""
        return max(abs(ordered) * self.shipping_percent / 100, self.shipping_amount)


@dataclass(frozen=True, slots=True)
class LineMatch:
    line: PurchaseOrderLine
    ordered: Decimal
    agreed: Decimal
    shipped: Decimal
    received: Decimal
    invoiced: Decimal
    agreed_price: Decimal
    invoiced_price: Decimal | None
    status: str
    reasons: tuple[str, ...] = field(default=())


@dataclass(frozen=True, slots=True)
class Finding:
    """Something beyond tolerance that is not one line's: ``where`` is an invoice
    ("invoice INV-1") or the order as a whole ("order")."""

    where: str
    reason: str


@dataclass(frozen=True, slots=True)
class OrderMatch:
    order: PurchaseOrder
    lines: tuple[LineMatch, ...]
    findings: tuple[Finding, ...] = ()

    @property
    def status(self) -> str:
        counted = [m for m in self.lines if m.agreed > 0 or m.received or m.invoiced]
        if self.findings or any(m.status == MISMATCH for m in counted):
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
    received = sum((r.quantity for r in line.received.all()), Decimal(0))
    invoice_lines: list[InvoiceLine] = list(line.invoiced.all())
    invoiced = sum((i.counted_quantity for i in invoice_lines), Decimal(0))
    billed = sum((i.amount for i in invoice_lines), Decimal(0))
    expected = line.agreed_quantity
    agreed = line.agreed_unit_price
    basis = "ordered" if line.confirmed_quantity is None else "confirmed"
    currency = line.order.currency
    invoiced_price = None
    reasons: list[str] = []
    if invoiced > 0:
        invoiced_price = billed * line.price_basis_quantity / invoiced
    elif invoiced == 0 and billed:
        reasons.append(f"{amount(billed, currency)} invoiced with no units left invoiced")
    if received > expected and not tolerance.quantity_ok(received, expected):
        reasons.append(f"received {_fmt(received)} but {basis} {_fmt(expected)}")
    if invoiced < 0:
        reasons.append(f"credit memos take back {_fmt(-invoiced)} more than was invoiced")
    elif invoiced > received and not tolerance.quantity_ok(invoiced, received):
        got = f"received {_fmt(received)}" if received else "nothing received yet"
        reasons.append(f"invoiced {_fmt(invoiced)} but {got}")
    elif invoiced > expected and not tolerance.quantity_ok(invoiced, expected):
        reasons.append(f"invoiced {_fmt(invoiced)} but {basis} {_fmt(expected)}")
    if invoiced_price is not None and not tolerance.price_ok(invoiced_price, agreed):
        reasons.append(
            f"invoiced unit price {invoiced_price:.2f} but agreed {agreed:.2f} {currency}"
        )
    if reasons:
        status = MISMATCH
    elif (
        expected > 0
        and tolerance.quantity_ok(received, expected)
        and tolerance.quantity_ok(invoiced, expected)
    ):
        status = MATCHED
    else:
        status = OPEN
    return LineMatch(
        line,
        line.quantity,
        expected,
        shipped,
        received,
        invoiced,
        agreed,
        invoiced_price,
        status,
        tuple(reasons),
    )


def _charges(order: PurchaseOrder, invoices: list[Invoice], tolerance: Tolerance) -> list[str]:
    """Tax, shipping and special handling invoiced so far beyond the order's."""
    c = order.currency
    found = []
    for label, absolute, invoiced, ordered, allowed in (
        (
            "tax",
            "tax amount",
            sum((i.tax for i in invoices), Decimal(0)),
            order.tax or Decimal(0),
            tolerance.tax_allowed(order.tax or Decimal(0)),
        ),
        (
            "shipping",
            "shipping amount",
            sum((i.shipping for i in invoices), Decimal(0)),
            order.shipping or Decimal(0),
            tolerance.shipping_allowed(order.shipping or Decimal(0)),
        ),
        (
            "special handling",
            "shipping amount",
            sum((i.special_handling for i in invoices), Decimal(0)),
            Decimal(0),
            tolerance.shipping_allowed(Decimal(0)),
        ),
    ):
        if invoiced - ordered > allowed and ordered:
            found.append(
                f"{label} invoiced {amount(invoiced, c)} is beyond the PO's "
                f"{amount(ordered, c)} (tolerance {amount(allowed, c)})"
            )
        elif invoiced - ordered > allowed:
            # A percentage of nothing is nothing: only the absolute amount allows any.
            found.append(
                f"{label} invoiced {amount(invoiced, c)} on a PO that carries none "
                f"(tolerance {amount(allowed, c)}: a percentage of no {label} allows "
                f"none, only the {absolute} tolerance does)"
            )
    return found


def _findings(order: PurchaseOrder, tolerance: Tolerance) -> tuple[Finding, ...]:
    invoices = list(order.invoices.all())
    found = [
        Finding(f"{invoice.get_purpose_display().lower()} {invoice.invoice_id}", problem)
        for invoice in invoices
        for problem in invoice.problems
    ]
    credited: dict[int, Decimal] = defaultdict(Decimal)
    for memo in invoices:
        if memo.credits_id is not None:
            credited[memo.credits_id] += -memo.due
    for invoice in invoices:
        taken = credited.get(invoice.pk, Decimal(0))
        if taken and taken > invoice.due:
            found.append(
                Finding(
                    f"invoice {invoice.invoice_id}",
                    f"credit memos take back {amount(taken, order.currency)}, more than its "
                    f"{amount(invoice.due, order.currency)} due",
                )
            )
    found.extend(Finding("order", reason) for reason in _charges(order, invoices, tolerance))
    owed = sum((i.due for i in invoices), Decimal(0))
    if order.state in (State.CANCELLED, State.REJECTED) and owed > 0:
        found.append(
            Finding(
                "order",
                f"{amount(owed, order.currency)} invoiced on a PO that is "
                f"{order.get_state_display().lower()}: nothing is owed",
            )
        )
    return tuple(found)


def _with_quantities(orders: QuerySet[PurchaseOrder]) -> QuerySet[PurchaseOrder]:
    lines = PurchaseOrderLine.objects.select_related("order", "requisition_line").prefetch_related(
        Prefetch("shipped", queryset=ShipmentLine.objects.all()),
        Prefetch("received", queryset=ReceiptLine.objects.all()),
        Prefetch("invoiced", queryset=InvoiceLine.objects.select_related("line")),
    )
    return orders.prefetch_related(Prefetch("lines", queryset=lines), "invoices")


def _match(order: PurchaseOrder, tolerance: Tolerance) -> OrderMatch:
    return OrderMatch(
        order,
        tuple(match_line(line, tolerance) for line in order.lines.all()),
        _findings(order, tolerance),
    )


def match_order(order: PurchaseOrder, tolerance: Tolerance | None = None) -> OrderMatch:
    loaded = _with_quantities(PurchaseOrder.objects.filter(pk=order.pk)).get()
    return _match(loaded, tolerance or Tolerance.of(loaded.organisation))


def match_orders(orders: QuerySet[PurchaseOrder]) -> Iterable[OrderMatch]:
    """Every PO among ``orders`` that something was received or invoiced against."""
    tolerances: dict[int, Tolerance] = {}
    touched = orders.filter(Q(invoices__isnull=False) | Q(receipts__isnull=False)).distinct()
    for order in _with_quantities(touched.select_related("organisation")):
        tolerance = tolerances.get(order.organisation_id)
        if tolerance is None:
            tolerance = tolerances[order.organisation_id] = Tolerance.of(order.organisation)
        yield _match(order, tolerance)


def reconciliation(orders: QuerySet[PurchaseOrder]) -> list[OrderMatch]:
    """The POs among ``orders`` with something beyond tolerance."""
    return [result for result in match_orders(orders) if result.status == MISMATCH]
