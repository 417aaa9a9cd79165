"""Staff pages: the deliveries (those needing attention first), one delivery with every
attempt and the partner's answers, and "Retry now"."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.admin.views.decorators import staff_member_required
from django.core.paginator import Paginator
from django.db.models import Case, Count, IntegerField, Max, Value, When
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from .models import OutboundDelivery
from .outbox import retry_now
from .states import State

PAGE_SIZE = 50


def render_framed(
    request: HttpRequest, template: str, context: dict[str, Any], status: int = 200
) -> HttpResponse:
    """Render ``template`` inside the party's layout (``PUNCHIN_DELIVERY_BASE_TEMPLATE``):
    the staff pages here and the integration health pages (punchin.web.health.views)."""
    base = getattr(settings, "PUNCHIN_DELIVERY_BASE_TEMPLATE", "delivery/base.html")
    return render(request, template, {"base_template": base, **context}, status=status)


def _partners() -> list[tuple[str, str]]:
    """(key, name) of every partner with deliveries, by name; the newest name wins if
    a partner was renamed."""
    names: dict[str, str] = {}
    pairs = (
        OutboundDelivery.objects.values_list("partner_key", "partner_name")
        .annotate(latest=Max("created_at"))
        .order_by("latest")
    )
    for key, name, _latest in pairs:
        names[key] = name or names.get(key) or key
    return sorted(names.items(), key=lambda item: (item[1].casefold(), item[0]))


@staff_member_required
def delivery_list(request: HttpRequest) -> HttpResponse:
    rows = OutboundDelivery.objects.defer("raw", "answer").annotate(
        attention_first=Case(
            When(state=State.NEEDS_ATTENTION, then=Value(0)),
            default=Value(1),
            output_field=IntegerField(),
        )
    )
    state = request.GET.get("state", "")
    if state in State.values:
        rows = rows.filter(state=state)
    partner = request.GET.get("partner", "").strip()
    if partner:
        rows = rows.filter(partner_key=partner)
    document_type = request.GET.get("type", "").strip()
    if document_type:
        rows = rows.filter(document_type=document_type)
    page = Paginator(rows.order_by("attention_first", "-created_at"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    counts = dict(OutboundDelivery.objects.order_by().values_list("state").annotate(n=Count("pk")))
    return render_framed(
        request,
        "delivery/list.html",
        {
            "page": page,
            "states": State.choices,
            "summary": [(value, label, counts.get(value, 0)) for value, label in State.choices],
            "attention": counts.get(State.NEEDS_ATTENTION, 0),
            "filters": {"state": state, "partner": partner, "type": document_type},
            "partners": _partners(),
            "types": OutboundDelivery.objects.order_by()
            .values_list("document_type", flat=True)
            .distinct(),
        },
    )


@staff_member_required
def delivery_detail(request: HttpRequest, pk: int) -> HttpResponse:
    delivery = get_object_or_404(OutboundDelivery, pk=pk)
    return render_framed(
        request,
        "delivery/detail.html",
        {
            "delivery": delivery,
            "attempts": delivery.attempt_set.order_by("-number"),
            "can_retry": delivery.state == State.NEEDS_ATTENTION,
        },
    )


@staff_member_required
@require_POST
def retry(request: HttpRequest, pk: int) -> HttpResponse:
    delivery = get_object_or_404(OutboundDelivery, pk=pk)
    if retry_now(delivery.pk) is None:
        messages.warning(request, "This delivery no longer needs attention; nothing was queued.")
    else:
        messages.success(request, f"{delivery.document_type} {delivery.payload_id} queued again.")
    return redirect("delivery:detail", pk=delivery.pk)
