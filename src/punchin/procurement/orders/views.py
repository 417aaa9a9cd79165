"""Purchase order pages: list, timeline with the three-way match, change, cancel,
goods receipt, payment and closing, the cXML documents behind the timeline, and the
reconciliation list."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from punchin.procurement.orders import order_documents, receiving, services
from punchin.procurement.orders.access import may_change, may_receive, may_settle, visible_orders
from punchin.procurement.orders.forms import ChangeForm, ReceiveForm
from punchin.procurement.orders.match import MATCHED, match_order, reconciliation
from punchin.procurement.orders.models import (
    MACHINE,
    RECEIVING,
    OrderEvent,
    PurchaseOrder,
    State,
)
from punchin.web.documents import redact_secrets
from punchin.web.statemachine import InvalidTransition


def _order(request: HttpRequest, number: str) -> PurchaseOrder:
    return get_object_or_404(visible_orders(request.user), number=number)  # type: ignore[arg-type]


@login_required
def order_list(request: HttpRequest) -> HttpResponse:
    orders = visible_orders(request.user)  # type: ignore[arg-type]
    return render(request, "orders/list.html", {"orders": orders})


@login_required
def order_detail(request: HttpRequest, number: str) -> HttpResponse:
    order = _order(request, number)
    user = request.user
    may = may_change(user, order) and not services.unchangeable(order)  # type: ignore[arg-type]
    settle = may_settle(user, order)  # type: ignore[arg-type]
    match = match_order(order)
    return render(
        request,
        "orders/detail.html",
        {
            "order": order,
            "ship_to": order_documents.ship_to_of(order),
            "match": match,
            "events": order.events.select_related("delivery", "document"),
            "history": order.history.select_related("actor"),
            "shipments": order.shipments.prefetch_related("lines__line"),
            "receipts": order.receipts.select_related("recorded_by").prefetch_related(
                "lines__line"
            ),
            "invoices": order.invoices.select_related("credits").prefetch_related("lines__line"),
            "may_change": may,
            "change_form": ChangeForm(order) if may else None,
            "may_receive": order.state in RECEIVING and may_receive(user, order),  # type: ignore[arg-type]
            "may_pay": settle
            and MACHINE.allows(order.state, State.PAID)
            and match.status == MATCHED,
            "may_close": settle and MACHINE.allows(order.state, State.CLOSED),
        },
    )


@login_required
def event_document(request: HttpRequest, number: str, event: int) -> HttpResponse:
    """The cXML document a timeline row is about (SharedSecrets redacted)."""
    order = _order(request, number)
    found = get_object_or_404(
        OrderEvent.objects.select_related("delivery", "document"), pk=event, order=order
    )
    if found.delivery is not None:
        raw, answer = bytes(found.delivery.raw), bytes(found.delivery.answer)
    elif found.document is not None:
        raw, answer = bytes(found.document.raw), bytes(found.document.answer)
    else:
        raise Http404("this step has no cXML document")
    return render(
        request,
        "orders/document.html",
        {
            "order": order,
            "event": found,
            "raw": redact_secrets(raw).decode("utf-8", "replace"),
            "answer": answer.decode("utf-8", "replace"),
        },
    )


def _changeable(request: HttpRequest, number: str) -> PurchaseOrder:
    order = _order(request, number)
    if not may_change(request.user, order):  # type: ignore[arg-type]
        raise Http404("not yours to change")
    return order


@login_required
@require_POST
def order_change(request: HttpRequest, number: str) -> HttpResponse:
    order = _changeable(request, number)
    form = ChangeForm(order, request.POST)
    if not form.is_valid():
        for field, errors in form.errors.items():
            label = form.fields[field].label if field in form.fields else field
            messages.error(request, f"{label}: {' '.join(errors)}")
        return redirect("orders:detail", number=number)
    try:
        services.change(order, form.quantities(), request.POST.get("comment", "").strip())
    except InvalidTransition as refused:
        messages.error(request, str(refused))
    else:
        messages.success(request, f"The change to {order.number} was sent to {order.supplier}.")
    return redirect("orders:detail", number=number)


@login_required
@require_POST
def order_cancel(request: HttpRequest, number: str) -> HttpResponse:
    order = _changeable(request, number)
    try:
        services.cancel(order, request.POST.get("comment", "").strip())
    except InvalidTransition as refused:
        messages.error(request, str(refused))
    else:
        messages.success(request, f"{order.number} was cancelled; {order.supplier} is told.")
    return redirect("orders:detail", number=number)


@login_required
def reconciliation_list(request: HttpRequest) -> HttpResponse:
    found = reconciliation(visible_orders(request.user))  # type: ignore[arg-type]
    return render(request, "orders/reconciliation.html", {"results": found})


def _receivable(request: HttpRequest, number: str) -> PurchaseOrder:
    order = _order(request, number)
    if not may_receive(request.user, order):  # type: ignore[arg-type]
        raise Http404("not yours to receive")
    return order


@login_required
def order_receive(request: HttpRequest, number: str) -> HttpResponse:
    """Goods receipt: one row per line; "receive all as shipped / as ordered" records
    every line's outstanding units at once."""
    order = _receivable(request, number)
    form = ReceiveForm(order, request.POST or None)
    if request.method == "POST":
        basis = request.POST.get("all", "")
        if basis in (receiving.SHIPPED, receiving.ORDERED):
            quantities, reasons, note = receiving.outstanding(order, basis), {}, ""
            if not quantities:
                messages.error(request, f"Nothing {basis} is waiting to be received.")
                return redirect("orders:receive", number=number)
        elif form.is_valid():
            quantities, reasons = form.quantities(), form.reasons()
            note = form.cleaned_data["note"]
        else:
            return _receive_page(request, order, form, status=400)
        try:
            receiving.record(
                order,
                quantities,
                by=request.user,  # type: ignore[arg-type]
                reasons=reasons,
                note=note,
            )
        except receiving.ReceiptRefused as refused:
            for problem in refused.problems:
                form.add_error(None, problem)
            return _receive_page(request, order, form, status=400)
        order.refresh_from_db()
        messages.success(
            request, f"Receipt recorded. {order.number} is {order.get_state_display().lower()}."
        )
        return redirect("orders:detail", number=number)
    return _receive_page(request, order, form)


def _receive_page(
    request: HttpRequest, order: PurchaseOrder, form: ReceiveForm, status: int = 200
) -> HttpResponse:
    result = match_order(order)
    rows = [
        (m, received_field, reason_field)
        for m, (_, received_field, reason_field) in zip(result.lines, form.rows, strict=True)
    ]
    return render(
        request,
        "orders/receive.html",
        {
            "order": order,
            "form": form,
            "rows": rows,
            "open": order.state in RECEIVING,
            "shipped_waiting": bool(receiving.outstanding(order, receiving.SHIPPED)),
        },
        status=status,
    )


def _settleable(request: HttpRequest, number: str) -> PurchaseOrder:
    order = _order(request, number)
    if not may_settle(request.user, order):  # type: ignore[arg-type]
        raise Http404("not yours to settle")
    return order


def _settle(
    request: HttpRequest,
    number: str,
    act: Callable[[PurchaseOrder, Any, str], object],
    note: tuple[str, int],
    done: str,
) -> HttpResponse:
    """Pay or close: the admin's note (a form field, cut to its length), the move, and
    the answer in words either way."""
    order = _settleable(request, number)
    field, length = note
    try:
        act(order, request.user, request.POST.get(field, "").strip()[:length])
    except InvalidTransition as refused:
        messages.error(request, str(refused))
    else:
        messages.success(request, f"{order.number} {done}.")
    return redirect("orders:detail", number=number)


@login_required
@require_POST
def order_pay(request: HttpRequest, number: str) -> HttpResponse:
    return _settle(request, number, services.mark_paid, ("reference", 200), "is recorded as paid")


@login_required
@require_POST
def order_close(request: HttpRequest, number: str) -> HttpResponse:
    return _settle(request, number, services.close, ("comment", 500), "is closed")
