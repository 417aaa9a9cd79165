"""Goods receipt: what arrived per PO line, and what went back (docs/purchase-orders.md,
"Goods receipt").

The requester, the organisation's admins and its receiving desk (members with the
``procurement_orders.receive_goods`` permission, the demo's "Receiving desk" group;
``access.may_receive``) record receipts. A receipt may be partial; more than agreed,
beyond the organisation's quantity tolerance, is refused (the extra units are refused
at the door or returned); a return is a negative quantity with its reason and cannot
exceed what was received.
Each receipt moves the PO (``services.progress``) in the same transaction.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal

from django.contrib.auth.models import AbstractUser
from django.db import transaction
from django.db.models import Sum

from punchin.procurement.orders.match import Tolerance
from punchin.procurement.orders.models import (
    RECEIVING,
    EventKind,
    OrderEvent,
    PurchaseOrder,
    PurchaseOrderLine,
    Receipt,
    ReceiptLine,
    ShipmentLine,
)
from punchin.procurement.orders.services import progress

SHIPPED, ORDERED = "shipped", "ordered"


class ReceiptRefused(Exception):
    """What is wrong with a receipt, one sentence per problem, each saying what to do."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__(" ".join(problems))
        self.problems = problems


def _fmt(value: Decimal) -> str:
    return f"{value.normalize():f}"


def _sums(
    model: type[ReceiptLine] | type[ShipmentLine], order: PurchaseOrder
) -> dict[int, Decimal]:
    rows = model.objects.filter(line__order=order).values("line").annotate(total=Sum("quantity"))
    return {row["line"]: row["total"] for row in rows}


def received(order: PurchaseOrder) -> dict[int, Decimal]:
    """Net received (returns subtracted) per PO line pk."""
    return _sums(ReceiptLine, order)


def outstanding(order: PurchaseOrder, basis: str) -> dict[int, Decimal]:
    """What "receive all as shipped / as ordered" records: per line number, the units
    shipped (or agreed) not yet received."""
    got = received(order)
    shipped = _sums(ShipmentLine, order) if basis == SHIPPED else {}
    found = {}
    for line in order.lines.all():
        expected = shipped.get(line.pk, Decimal(0)) if basis == SHIPPED else line.agreed_quantity
        rest = expected - got.get(line.pk, Decimal(0))
        if rest > 0:
            found[line.line_number] = rest
    return found


def _check(
    lines: Mapping[int, PurchaseOrderLine],
    got: Mapping[int, Decimal],
    quantities: Mapping[int, Decimal],
    reasons: Mapping[int, str],
    tolerance: Tolerance,
) -> list[str]:
    problems = []
    for number, quantity in sorted(quantities.items()):
        line = lines.get(number)
        if line is None:
            problems.append(f"The order has no line {number}.")
            continue
        before = got.get(line.pk, Decimal(0))
        after = before + quantity
        agreed = line.agreed_quantity
        if quantity > 0 and after > agreed and not tolerance.quantity_ok(after, agreed):
            room = max(agreed - before, Decimal(0))
            problems.append(
                f"Line {number}: {_fmt(quantity)} more would make {_fmt(after)} received "
                f"of {_fmt(agreed)} agreed; record at most {_fmt(room)} and refuse or "
                "return the extra units."
            )
        if quantity < 0 and -quantity > before:
            problems.append(
                f"Line {number}: {_fmt(-quantity)} cannot go back, only {_fmt(before)} received."
            )
        if quantity < 0 and not reasons.get(number, "").strip():
            problems.append(f"Line {number}: say why the goods go back.")
    return problems


def record(
    order: PurchaseOrder,
    quantities: Mapping[int, Decimal],
    *,
    by: AbstractUser,
    reasons: Mapping[int, str] | None = None,
    note: str = "",
) -> Receipt:
    """Record a receipt of ``quantities`` by line number (negative: returned, with
    ``reasons[line]``), or ``ReceiptRefused`` with every problem."""
    reasons = reasons or {}
    quantities = {n: q for n, q in quantities.items() if q != 0}
    with transaction.atomic():
        locked = PurchaseOrder.objects.select_for_update().get(pk=order.pk)
        if locked.state not in RECEIVING:
            raise ReceiptRefused(
                [
                    f"PO {locked.number} is {locked.get_state_display().lower()}: goods are "
                    "received once the supplier has acknowledged the order, and until it "
                    "is paid or closed."
                ]
            )
        if not quantities:
            raise ReceiptRefused(["Enter a quantity received or returned for at least one line."])
        lines = {line.line_number: line for line in locked.lines.all()}
        tolerance = Tolerance.of(locked.organisation)
        problems = _check(lines, received(locked), quantities, reasons, tolerance)
        if problems:
            raise ReceiptRefused(problems)
        receipt = Receipt.objects.create(order=locked, recorded_by=by, note=note[:500])
        ReceiptLine.objects.bulk_create(
            ReceiptLine(
                receipt=receipt,
                line=lines[number],
                quantity=quantity,
                reason=reasons.get(number, "").strip()[:500] if quantity < 0 else "",
            )
            for number, quantity in sorted(quantities.items())
        )
        arrived = [f"line {n} x {_fmt(q)}" for n, q in sorted(quantities.items()) if q > 0]
        back = [
            f"line {n} x {_fmt(-q)} ({reasons[n].strip()})"
            for n, q in sorted(quantities.items())
            if q < 0
        ]
        for kind, listed in ((EventKind.RECEIVED, arrived), (EventKind.RETURNED, back)):
            if listed:
                text = f"{', '.join(listed)} by {by.email}"
                OrderEvent.objects.create(order=locked, kind=kind, text=text[:2000])
        progress(locked, tolerance)
        order.state = locked.state
        return receipt
