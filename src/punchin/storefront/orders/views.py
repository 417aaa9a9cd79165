"""The cXML endpoints the purchasing system posts to (P8), and the staff's order pages."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, TypeVar

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from punchin.cxml.order import OrderRequest
from punchin.cxml.punchout import ProfileRequest
from punchin.cxml.statusupdate import StatusUpdateRequest
from punchin.storefront.accounts.roles import STORE_STAFF
from punchin.storefront.cart.models import Order, OrderState
from punchin.storefront.integration.inbound import endpoint
from punchin.storefront.orders import direct, receive, services
from punchin.storefront.orders.forms import (
    CommentForm,
    ConfirmForm,
    CreditMemoForm,
    InvoiceForm,
    ShipForm,
    ShipmentForm,
    noon,
)
from punchin.storefront.orders.models import (
    InboundRequest,
    OutboundKind,
    PurchaseOrder,
    State,
)
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
T = TypeVar("T")


# The list's filter: every state of either kind of order, each value once.
STATES = tuple({**dict(OrderState.choices), **dict(State.choices)}.items())


@staff_member_required
def order_list(request: HttpRequest) -> HttpResponse:
    """Both kinds of order the store fulfils: purchase orders from the buyers'
    purchasing systems, and direct orders placed on the website."""
    state = request.GET.get("state", "")
    orders = PurchaseOrder.objects.select_related("account").prefetch_related("lines")
    website = Order.objects.select_related("account", "user").prefetch_related("lines")
    if state in dict(STATES):
        orders, website = orders.filter(state=state), website.filter(state=state)
    return render(
        request,
        "orders/staff_list.html",
        {"orders": orders[:200], "website_orders": website[:200], "states": STATES, "state": state},
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
    documents = list(order.documents.select_related("document", "credits"))
    deliveries = {
        d.payload_id: d
        for d in OutboundDelivery.objects.filter(
            payload_id__in=[doc.document.payload_id for doc in documents]
        )
    }
    for doc in documents:
        doc.delivery = deliveries.get(doc.document.payload_id)  # type: ignore[attr-defined]
    invoices = [doc for doc in documents if doc.kind == OutboundKind.INVOICE]
    context: dict[str, object] = {
        "order": order,
        "rows": rows,
        "documents": documents,
        "invoices": [services.creditable(invoice) for invoice in invoices],
        "confirm_form": ConfirmForm(lines),
        "reject_form": CommentForm(),
        "ship_form": ShipForm(lines, to_ship),
        "invoice_form": InvoiceForm(
            lines, to_invoice, delivery=services.delivery_to_invoice(order)
        ),
        "credit_form": CreditMemoForm(lines, invoices),
    }
    context.update(forms)
    return context


@staff_member_required
def order_detail(request: HttpRequest, pk: int) -> HttpResponse:
    order = get_object_or_404(PurchaseOrder.objects.select_related("account", "system"), pk=pk)
    return render(request, "orders/staff_detail.html", _detail_context(order))


def _done(request: HttpRequest, form: object, action: Callable[[], T], said: str) -> T | None:
    """``action``'s result if ``form`` is valid and the action could be done (and the
    message ``said``, formatted with it, for the staff member); else None, with the
    reason among the messages or on the form."""
    if getattr(form, "is_valid")():  # noqa: B009 (forms of several classes)
        try:
            result = action()
        except services.FulfilmentError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, said.format(result))
            return result
    return None


def _act(
    request: HttpRequest, pk: int, form_name: str, form: object, action: Callable[[], object]
) -> HttpResponse:
    said = "{} is on its way to the buyer's purchasing system."
    if _done(request, form, action, said) is not None:
        return redirect("orders:staff_detail", pk=pk)
    order = get_object_or_404(PurchaseOrder, pk=pk)
    return render(
        request, "orders/staff_detail.html", _detail_context(order, **{form_name: form}), status=400
    )


@staff_member_required
@require_POST
def confirm(request: HttpRequest, pk: int) -> HttpResponse:
    """Send the confirmation: every line as ordered ("Confirm all as ordered", an
    ``accept``), or as the confirm table says (a ``detail`` for the lines that differ)."""
    if request.POST.get("as_ordered"):
        everything = CommentForm(request.POST)
        return _act(
            request,
            pk,
            "confirm_all_form",
            everything,
            lambda: services.confirm(
                pk, request.user.get_username(), comment=everything.cleaned_data["comment"]
            ),
        )
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
    form = CommentForm(request.POST)
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


@staff_member_required
@require_POST
def credit(request: HttpRequest, pk: int) -> HttpResponse:
    """Send a credit memo against one of the order's invoices: units of its lines, or
    an amount, with the reason."""
    order = get_object_or_404(PurchaseOrder, pk=pk)
    invoices = order.documents.filter(kind=OutboundKind.INVOICE)
    form = CreditMemoForm(order.lines.all(), invoices, request.POST)
    return _act(
        request,
        pk,
        "credit_form",
        form,
        lambda: services.credit(
            pk,
            request.user.get_username(),
            invoice_number=form.cleaned_data["invoice"],
            reason=form.cleaned_data["reason"],
            quantities=form.per_line("quantity"),
            amount=form.cleaned_data["amount"],
        ),
    )


# --- direct website orders -----------------------------------------------------------


def _website_order(pk: int) -> Order:
    return get_object_or_404(
        Order.objects.select_related("account", "group", "user").prefetch_related("lines", "steps"),
        pk=pk,
    )


@staff_member_required
def website_order(request: HttpRequest, pk: int) -> HttpResponse:
    return _website_page(request, _website_order(pk))


def _website_page(
    request: HttpRequest, order: Order, status: int = 200, **forms: object
) -> HttpResponse:
    context: dict[str, object] = {
        "order": order,
        "confirm_form": CommentForm(),
        "reject_form": CommentForm(),
        "ship_form": ShipmentForm(),
    }
    context.update(forms)
    return render(request, "orders/staff_website_order.html", context, status=status)


@dataclass(frozen=True, slots=True)
class WebsiteAction:
    """One staff action on a website order: the form it takes (and its name on the
    page) and the ``direct`` service it calls with the form's cleaned data."""

    form_name: str
    form: type[forms.Form]
    act: Callable[[int, str, dict[str, Any]], Order]


WEBSITE_ACTIONS = {
    "confirm": WebsiteAction(
        "confirm_form", CommentForm, lambda pk, by, data: direct.confirm(pk, by, data["comment"])
    ),
    "reject": WebsiteAction(
        "reject_form", CommentForm, lambda pk, by, data: direct.reject(pk, by, data["comment"])
    ),
    "ship": WebsiteAction(
        "ship_form",
        ShipmentForm,
        lambda pk, by, data: direct.ship(
            pk, by, carrier=data["carrier"], tracking_number=data["tracking_number"]
        ),
    ),
    "invoice": WebsiteAction("invoice_form", CommentForm, lambda pk, by, _: direct.invoice(pk, by)),
}


@staff_member_required
@require_POST
def website_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """Confirm, reject, ship or invoice a website order (``WEBSITE_ACTIONS``)."""
    chosen = WEBSITE_ACTIONS[action]
    form = chosen.form(request.POST)
    by = request.user.get_username()
    done = _done(
        request,
        form,
        lambda: chosen.act(pk, by, form.cleaned_data),
        "Order {0.pk} is {0.state_label}.",
    )
    if done is not None:
        return redirect("orders:website_order", pk=pk)
    return _website_page(request, _website_order(pk), 400, **{chosen.form_name: form})
