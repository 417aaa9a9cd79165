"""The cXML endpoints the purchasing system posts to (P8), and the staff's order pages."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from punchin.cxml.order import OrderRequest
from punchin.cxml.punchout import ProfileRequest
from punchin.cxml.statusupdate import StatusUpdateRequest
from punchin.storefront.accounts.roles import STORE_STAFF
from punchin.storefront.integration.inbound import endpoint
from punchin.storefront.orders import receive, services
from punchin.storefront.orders.forms import ConfirmForm, InvoiceForm, RejectForm, ShipForm, noon
from punchin.storefront.orders.models import InboundRequest, PurchaseOrder, State
from punchin.web.delivery.models import OutboundDelivery
from punchin.web.profile import profile

# --- cXML endpoints ------------------------------------------------------------------


status_endpoint = endpoint(StatusUpdateRequest, receive.status_update, InboundRequest)
"""``POST /cxml/status``: the cart was approved or rejected (P8)."""

order_endpoint = endpoint(OrderRequest, receive.order_request, InboundRequest)
"""``POST /cxml/order``: a purchase order, its change or its cancellation (P8)."""

PROFILE = {
    "StatusUpdateRequest": "orders:status_endpoint",
    "OrderRequest": "orders:order_endpoint",
    "ProfileRequest": "orders:profile_endpoint",
    "PunchOutSetupRequest": "punchout:setup_endpoint",
}
profile_endpoint = endpoint(ProfileRequest, profile(PROFILE), InboundRequest)
"""``POST /cxml/profile``: which requests the store takes, and where (docs/protocol.md S12)."""


# --- staff pages ---------------------------------------------------------------------


# The store's own people (Django staff users, e.g. the fulfilment team), signed in
# through the site's login page; anyone else signed in is refused (403) rather than
# sent to a login page that would send them straight back.
staff_member_required = STORE_STAFF.required


@staff_member_required
def order_list(request: HttpRequest) -> HttpResponse:
    state = request.GET.get("state", "")
    orders = PurchaseOrder.objects.select_related("account").prefetch_related("lines")
    if state in State.values:
        orders = orders.filter(state=state)
    return render(
        request,
        "orders/staff_list.html",
        {"orders": orders[:200], "states": State.choices, "state": state},
    )


def _detail_context(order: PurchaseOrder, **forms: object) -> dict[str, object]:
    lines = list(order.lines.all())
    shipped, invoiced = services.shipped(order), services.invoiced(order)
    to_ship = {line.pk: line.agreed_quantity - shipped.get(line.pk, Decimal(0)) for line in lines}
    to_invoice = {
        line.pk: shipped.get(line.pk, Decimal(0)) - invoiced.get(line.pk, Decimal(0))
        for line in lines
    }
    rows = [
        {
            "line": line,
            "shipped": shipped.get(line.pk, Decimal(0)),
            "invoiced": invoiced.get(line.pk, Decimal(0)),
        }
        for line in lines
    ]
    documents = list(order.documents.select_related("document"))
    deliveries = {
        d.payload_id: d
        for d in OutboundDelivery.objects.filter(
            payload_id__in=[doc.document.payload_id for doc in documents]
        )
    }
    for doc in documents:
        doc.delivery = deliveries.get(doc.document.payload_id)  # type: ignore[attr-defined]
    context: dict[str, object] = {
        "order": order,
        "rows": rows,
        "documents": documents,
        "confirm_form": ConfirmForm(lines),
        "reject_form": RejectForm(),
        "ship_form": ShipForm(lines, to_ship),
        "invoice_form": InvoiceForm(lines, to_invoice),
    }
    context.update(forms)
    return context


@staff_member_required
def order_detail(request: HttpRequest, pk: int) -> HttpResponse:
    order = get_object_or_404(PurchaseOrder.objects.select_related("account", "system"), pk=pk)
    return render(request, "orders/staff_detail.html", _detail_context(order))


def _act(
    request: HttpRequest, pk: int, form_name: str, form: object, action: Callable[[], object]
) -> HttpResponse:
    order = get_object_or_404(PurchaseOrder, pk=pk)
    if getattr(form, "is_valid")():  # noqa: B009 (forms of several classes)
        try:
            sent = action()
        except services.FulfilmentError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, f"{sent} is on its way to the buyer's purchasing system.")
            return redirect("orders:staff_detail", pk=pk)
    return render(
        request, "orders/staff_detail.html", _detail_context(order, **{form_name: form}), status=400
    )


@staff_member_required
@require_POST
def confirm(request: HttpRequest, pk: int) -> HttpResponse:
    order = get_object_or_404(PurchaseOrder, pk=pk)
    form = ConfirmForm(order.lines.all(), request.POST)
    return _act(
        request,
        pk,
        "confirm_form",
        form,
        lambda: services.confirm(
            pk, request.user.get_username(), form.changes(), form.cleaned_data["comment"]
        ),
    )


@staff_member_required
@require_POST
def reject(request: HttpRequest, pk: int) -> HttpResponse:
    form = RejectForm(request.POST)
    return _act(
        request,
        pk,
        "reject_form",
        form,
        lambda: services.reject(pk, request.user.get_username(), form.cleaned_data["comment"]),
    )


@staff_member_required
@require_POST
def ship(request: HttpRequest, pk: int) -> HttpResponse:
    order = get_object_or_404(PurchaseOrder, pk=pk)
    form = ShipForm(order.lines.all(), {}, request.POST)
    return _act(
        request,
        pk,
        "ship_form",
        form,
        lambda: services.ship(
            pk,
            request.user.get_username(),
            carrier=form.cleaned_data["carrier"],
            tracking_number=form.cleaned_data["tracking_number"],
            quantities=form.per_line("quantity"),
            delivery_date=noon(form.cleaned_data["delivery_date"]),
        ),
    )


@staff_member_required
@require_POST
def invoice(request: HttpRequest, pk: int) -> HttpResponse:
    order = get_object_or_404(PurchaseOrder, pk=pk)
    form = InvoiceForm(order.lines.all(), {}, request.POST)
    return _act(
        request,
        pk,
        "invoice_form",
        form,
        lambda: services.invoice(
            pk,
            request.user.get_username(),
            quantities=form.per_line("quantity"),
            tax_rate=form.cleaned_data["tax_rate"],
            shipping=form.cleaned_data["shipping"],
        ),
    )
