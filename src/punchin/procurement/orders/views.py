"""Purchase order pages: list, timeline with the three-way match, change, cancel,
the cXML documents behind the timeline, and the reconciliation list."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from punchin.procurement.orders import services
from punchin.procurement.orders.access import may_change, visible_orders
from punchin.procurement.orders.forms import ChangeForm
from punchin.procurement.orders.match import match_order, reconciliation
from punchin.procurement.orders.models import OrderEvent, PurchaseOrder
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
    may = (
        may_change(request.user, order)  # type: ignore[arg-type]
        and not services.unchangeable(order)
    )
    return render(
        request,
        "orders/detail.html",
        {
            "order": order,
            "match": match_order(order),
            "events": order.events.select_related("delivery", "document"),
            "shipments": order.shipments.prefetch_related("lines__line"),
            "invoices": order.invoices.prefetch_related("lines__line"),
            "may_change": may,
            "change_form": ChangeForm(order) if may else None,
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
