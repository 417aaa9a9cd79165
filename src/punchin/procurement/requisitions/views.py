"""The buyer's pages: the StartPage landing (P7), the requisition, the list."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from punchin.cxml.delivery import payment_label
from punchin.procurement.accounts.forms import EmailLoginForm
from punchin.procurement.approvals import services as approvals
from punchin.procurement.approvals.forms import SubmitForm
from punchin.procurement.requisitions import delivery, services
from punchin.procurement.requisitions.exceptions import LandingRefused
from punchin.procurement.requisitions.forms import DeliveryAddressForm
from punchin.procurement.requisitions.models import Requisition
from punchin.procurement.sso import services as sso
from punchin.web.statemachine import InvalidTransition


@never_cache
def land(request: HttpRequest, token: str) -> HttpResponse:
    """Where the supplier sends the buyer's browser (P7): log in, then the requisition.

    The token is checked on every step but used only once the buyer is known, so a
    link previewer fetching the URL cannot burn it.
    """
    try:
        found = services.usable_token(token)
    except LandingRefused as refused:
        return render(request, "procurement/landing_refused.html", {"reason": refused}, status=410)
    buyer_email = found.requisition.buyer_email
    provider = sso.provider_of(found.requisition.organisation)
    sso_url = sso.start_url(provider, request.path) if provider else ""
    if not request.user.is_authenticated and sso.sends_through(
        provider, buyer_email, found.requisition.requester
    ):
        # The organisation's own people sign in at its identity provider and come
        # back here; the token in the path is what brings them back (P40).
        return redirect(sso_url)
    form = EmailLoginForm(request, data=request.POST if request.method == "POST" else None)
    form.fields["username"].initial = buyer_email
    if request.method == "POST" and form.is_valid():
        login(request, form.get_user())
    if not request.user.is_authenticated:
        return render(
            request,
            "procurement/landing.html",
            {
                "form": form,
                "supplier": found.requisition.supplier,
                "buyer_email": buyer_email,
                "sso_url": sso_url,
                "sso_label": provider.label if provider else "",
            },
        )
    try:
        requisition = services.redeem(token, request.user)  # type: ignore[arg-type]
    except LandingRefused as refused:
        return render(request, "procurement/landing_refused.html", {"reason": refused}, status=403)
    messages.success(
        request, f"{requisition.supplier}'s cart is now requisition {requisition.number}."
    )
    return redirect("requisitions:detail", number=requisition.number)


def _own(request: HttpRequest, number: str) -> Requisition:
    return get_object_or_404(
        Requisition.objects.select_related("supplier", "organisation"),
        number=number,
        requester=request.user,
    )


@login_required
def requisition_list(request: HttpRequest) -> HttpResponse:
    requisitions = Requisition.objects.filter(requester=request.user).select_related("supplier")
    return render(request, "procurement/requisition_list.html", {"requisitions": requisitions})


def _delivery(request: HttpRequest, requisition: Requisition) -> dict[str, object]:
    """Where the goods go and how (P41), and the change form where it is allowed."""
    ship_to = delivery.ship_to(requisition)
    may_change = delivery.may_change(requisition, request.user)  # type: ignore[arg-type]
    return {
        "ship_to": ship_to,
        "ship_to_is_default": ship_to is not None and not delivery.has_own_address(requisition),
        "payment_label": payment_label(requisition.payment_method),
        "delivery_form": DeliveryAddressForm(initial=DeliveryAddressForm.initial_of(ship_to))
        if may_change
        else None,
    }


def _detail(request: HttpRequest, requisition: Requisition) -> dict[str, object]:
    return {
        "requisition": requisition,
        "lines": requisition.lines.all(),
        "steps": requisition.approval_steps.prefetch_related("approvers"),
        "events": requisition.events.select_related("actor"),
        "order": getattr(requisition, "purchase_order", None),
        "form": SubmitForm(),
        **_delivery(request, requisition),
    }


@login_required
def requisition_detail(request: HttpRequest, number: str) -> HttpResponse:
    requisition = _own(request, number)
    return render(request, "procurement/requisition_detail.html", _detail(request, requisition))


@login_required
@require_POST
def requisition_delivery(request: HttpRequest, number: str) -> HttpResponse:
    """The requester changes where a draft's goods go, where the organisation allows
    it; the change is a step of the history (P41)."""
    requisition = _own(request, number)
    form = DeliveryAddressForm(request.POST)
    if not form.is_valid():
        context = _detail(request, requisition) | {"delivery_form": form}
        return render(request, "procurement/requisition_detail.html", context, status=400)
    try:
        with transaction.atomic():
            changed = delivery.change_address(
                requisition,
                request.user,  # type: ignore[arg-type]
                form.address(delivery.ship_to(requisition)),
            )
    except (delivery.ChangeRefused, InvalidTransition) as refused:
        messages.error(request, str(refused))
    else:
        messages.success(
            request,
            "The delivery address was changed." if changed else "The delivery address is the same.",
        )
    return redirect("requisitions:detail", number=requisition.number)


@login_required
@require_POST
def requisition_submit(request: HttpRequest, number: str) -> HttpResponse:
    """Submit with the cost coding; the policy plans the approval steps."""
    requisition = _own(request, number)
    form = SubmitForm(request.POST)
    if not form.is_valid():
        return render(
            request,
            "procurement/requisition_detail.html",
            {"requisition": requisition, "lines": requisition.lines.all(), "form": form},
            status=400,
        )
    try:
        approvals.submit(requisition, request.user, approvals.Coding(**form.cleaned_data))  # type: ignore[arg-type]
    except (InvalidTransition, approvals.Blocked, approvals.NotYours) as refused:
        messages.error(request, str(refused))
    else:
        messages.success(request, f"{requisition.number} was submitted for approval.")
    return redirect("requisitions:detail", number=requisition.number)


@login_required
@require_POST
def requisition_cancel(request: HttpRequest, number: str) -> HttpResponse:
    requisition = _own(request, number)
    try:
        approvals.cancel(requisition, request.user)  # type: ignore[arg-type]
    except (InvalidTransition, approvals.NotYours) as refused:
        messages.error(request, str(refused))
    else:
        messages.success(request, f"{requisition.number} was withdrawn.")
    return redirect("requisitions:detail", number=requisition.number)
