from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from punchin.storefront.accounts.models import CHECKOUT_MODES, BuyingGroup, Member, PurchasingMode
from punchin.storefront.accounts.roles import BUYER
from punchin.storefront.accounts.services import checkout_groups, member_of
from punchin.storefront.cart import estimates, services
from punchin.storefront.cart.forms import CheckoutForm, marketplace_country
from punchin.storefront.cart.models import DeliverySpeed, Order, PaymentMethod
from punchin.storefront.cart.services import Checkout, CheckoutError
from punchin.storefront.catalog.models import Product
from punchin.storefront.punchout.active import active_session
from punchin.storefront.punchout.models import PunchOutSession
from punchin.storefront.submissions import services as submissions

_SESSION_KEY = "checkout"


def _member(request: HttpRequest) -> Member | None:
    member = member_of(request.user)
    if member is None:
        messages.error(request, "Your sign-in is not part of a business account.")
    return member


def base_url(request: HttpRequest) -> str:
    """Where partners and buyers reach this site (PoomUrls, product links)."""
    return settings.PUNCHIN_PUBLIC_URL or request.build_absolute_uri("/").rstrip("/")


def _read_only(request: HttpRequest, session: PunchOutSession | None) -> bool:
    """P31: an inspected cart cannot change; the buyer is told so."""
    if session is not None and session.read_only:
        messages.error(request, "This earlier cart is open for viewing only; it cannot change.")
        return True
    return False


def _punching_out(request: HttpRequest) -> bool:
    """Checkout is not offered in a PunchOut session: its cart goes back instead."""
    session = active_session(request)
    if session is not None:
        messages.error(
            request,
            f"You are shopping for {session.system_name}: transfer the cart to it instead "
            "of checking out.",
        )
    return session is not None


@BUYER.required
def cart_page(request: HttpRequest) -> HttpResponse:
    session = active_session(request)
    try:
        content = services.view(request.user, punchout=session)
    except CheckoutError as exc:
        messages.error(request, str(exc))
        content = None
    member = member_of(request.user)
    can_checkout = member is not None and bool(checkout_groups(member))
    return render(request, "cart/cart.html", {"cart": content, "can_checkout": can_checkout})


@login_required
@require_POST
def add(request: HttpRequest) -> HttpResponse:
    product = get_object_or_404(Product, pk=_int(request.POST.get("product"), 0))
    quantity = _int(request.POST.get("quantity"), 1)
    session = active_session(request)
    if _read_only(request, session):
        return redirect("cart:cart")
    services.add(request.user, product, quantity, punchout=session)
    messages.success(
        request,
        f"{product.name} was added to your "
        f"{services.cart_noun(settings.PUNCHIN_MARKETPLACE).lower()}.",
    )
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        back, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        back = product.get_absolute_url()  # only back to this site: no open redirect
    return redirect(back)


@login_required
@require_POST
def update(request: HttpRequest) -> HttpResponse:
    session = active_session(request)
    if not _read_only(request, session):
        # "Remove" is the line's quantity set to zero, whatever the quantity box says.
        quantity = 0 if "remove" in request.POST else _int(request.POST.get("quantity"), 0)
        services.set_quantity(
            request.user, _int(request.POST.get("line"), 0), quantity, punchout=session
        )
    return redirect("cart:cart")


@login_required
def checkout(request: HttpRequest) -> HttpResponse:
    """P3: ask for the group, delivery address, payment method and delivery speed."""
    if _punching_out(request):
        return redirect("cart:cart")
    member = _member(request)
    if member is None:
        return redirect("cart:cart")
    content = services.view(request.user)
    form = CheckoutForm(
        member,
        request.POST or None,
        initial=request.session.get(_SESSION_KEY) or _first_answers(member),
        currency=content.currency,
        ordered_on=estimates.today(),
    )
    if request.method == "POST" and form.is_valid():
        request.session[_SESSION_KEY] = form.session_data()
        return redirect("cart:review")
    context = {"form": form, "cart": content, "tax": estimates.tax_estimate(content.total)}
    return render(request, "cart/checkout.html", context)


def _first_answers(member: Member) -> dict[str, str]:
    """Before the first checkout: the account's name on the address, the buyer as
    the person it is for, the marketplace's country."""
    return {
        "ship_name": member.account.name,
        "deliver_to": member.user.get_full_name(),  # type: ignore[attr-defined]
        "country": marketplace_country(settings.PUNCHIN_MARKETPLACE),
    }


def _checkout_of(request: HttpRequest, member: Member) -> Checkout | None:
    data: dict[str, Any] | None = request.session.get(_SESSION_KEY)
    if not data:
        return None
    group = BuyingGroup.objects.filter(pk=data.get("group"), members=member).first()
    if group is None or group.purchasing_mode not in CHECKOUT_MODES:
        return None
    try:
        return Checkout(
            group=group,
            address=CheckoutForm.address_of(data),
            payment_method=PaymentMethod(data["payment_method"]).value,
            delivery_speed=DeliverySpeed(data["delivery_speed"]).value,
        )
    except (KeyError, ValueError):  # answers of an older form: ask again
        return None


@login_required
def review(request: HttpRequest) -> HttpResponse:
    """The order's summary with P3's button: "Submit order for approval" for a
    Punch-in group, "Place order" for a direct one."""
    if _punching_out(request):
        return redirect("cart:cart")
    member = _member(request)
    chosen = _checkout_of(request, member) if member else None
    if chosen is None:
        return redirect("cart:checkout")
    content = services.view(request.user)
    delivery = chosen.delivery(content.total)
    context = {
        "checkout": chosen,
        "cart": content,
        "tax": delivery.tax,
        "arrival": estimates.arrival(chosen.delivery_speed, estimates.today()),
        "grand_total": content.total + delivery.charges,
        "submit_label": services.submit_button_label(chosen.mode),
        "is_punchin": chosen.mode == PurchasingMode.PUNCHIN,
        "payment_label": PaymentMethod(chosen.payment_method).label,
        "speed_label": DeliverySpeed(chosen.delivery_speed).label,
        "shipping": chosen.shipping.amount,
    }
    return render(request, "cart/review.html", context)


@login_required
@require_POST
def submit(request: HttpRequest) -> HttpResponse:
    if _punching_out(request):
        return redirect("cart:cart")
    member = _member(request)
    chosen = _checkout_of(request, member) if member else None
    if member is None or chosen is None:
        return redirect("cart:checkout")
    try:
        if chosen.mode == PurchasingMode.DIRECT:
            order = services.place_order(member, chosen)
            target: HttpResponseRedirect = redirect("cart:order", pk=order.pk)
            messages.success(request, "Thank you, your order is placed.")
        else:
            submission = submissions.submit(member, chosen, base_url(request))
            target = redirect("submissions:page", pk=submission.pk)
    except CheckoutError as exc:
        messages.error(request, str(exc))
        return redirect("cart:review")
    request.session.pop(_SESSION_KEY, None)
    return target


@login_required
def order(request: HttpRequest, pk: int) -> HttpResponse:
    placed = get_object_or_404(Order, pk=pk, user=request.user)
    return render(request, "cart/order.html", {"order": placed})


def _int(value: str | None, default: int) -> int:
    try:
        return int(value or "")
    except ValueError:
        return default
