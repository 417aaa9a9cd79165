"""The PunchOut pages: shopping at suppliers, their settings, and the cart's way back."""

from __future__ import annotations

from asgiref.sync import sync_to_async
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import AbstractUser
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from punchin.cxml.status import Outcome
from punchin.procurement.accounts.services import admin_organisations
from punchin.procurement.partners.models import SupplierPartner
from punchin.procurement.punchout import receive, setup
from punchin.procurement.punchout.catalog import shoppable
from punchin.procurement.punchout.exceptions import PunchOutRefused
from punchin.procurement.punchout.forms import PunchOutSupplierForm
from punchin.procurement.punchout.models import Operation, PunchOutSupplier
from punchin.procurement.requisitions.models import Requisition


@login_required
def shop(request: HttpRequest) -> HttpResponse:
    """Shop at suppliers: the enabled PunchOut suppliers of the user's organisations."""
    return render(
        request,
        "punchout/shop.html",
        {"suppliers": shoppable(request.user)},  # type: ignore[arg-type]
    )


def _partners(request: HttpRequest) -> list[SupplierPartner]:
    """The partners of the organisations the user administers."""
    organisations = admin_organisations(request.user)  # type: ignore[arg-type]
    return list(
        SupplierPartner.objects.filter(organisation__in=organisations).select_related(
            "organisation", "punchout"
        )
    )


@login_required
def suppliers(request: HttpRequest) -> HttpResponse:
    """The procurement admin's list: each partner's PunchOut settings."""
    is_admin = bool(admin_organisations(request.user))  # type: ignore[arg-type]
    return render(
        request,
        "punchout/suppliers.html",
        {"partners": _partners(request), "is_admin": is_admin},
        status=200 if is_admin else 403,
    )


@login_required
def supplier_settings(request: HttpRequest, partner: int) -> HttpResponse:
    """One partner's PunchOut settings; identities and credentials stay the partner's."""
    found = next((p for p in _partners(request) if p.pk == partner), None)
    if found is None:
        context = _refusal("You do not manage a supplier partner with this number.")
        return render(request, "punchout/refused.html", context, status=404)
    instance = getattr(found, "punchout", None) or PunchOutSupplier(partner=found)
    form = PunchOutSupplierForm(request.POST or None, instance=instance)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, f"PunchOut settings of {found} saved.")
        return redirect("punchout:suppliers")
    return render(request, "punchout/supplier_form.html", {"form": form, "partner": found})


def _refusal(reason: str, title: str = "This cannot be done") -> dict[str, str]:
    return {"title": title, "reason": reason}


def _base_url(request: HttpRequest) -> str:
    public: str = settings.PUNCHIN_PUBLIC_URL
    return public or request.build_absolute_uri("/")


async def _start(
    request: HttpRequest, operation: Operation, *, supplier: int | None = None, number: str = ""
) -> HttpResponse:
    """Begin the session, post the setup request, send the browser to the StartPage."""
    user = await request.auser()
    if not user.is_authenticated:
        return redirect(f"{reverse('accounts:login')}?next={reverse('punchout:shop')}")

    def began() -> setup.Began:
        requisition = None
        if number:
            requisition = get_object_or_404(Requisition, number=number, requester=user)
            found = get_object_or_404(PunchOutSupplier, partner_id=requisition.supplier_id)
        else:
            found = get_object_or_404(
                PunchOutSupplier.objects.select_related("partner__organisation"), pk=supplier
            )
        return setup.begin(
            found,
            user,  # type: ignore[arg-type]
            operation,
            base_url=_base_url(request),
            requisition=requisition,
        )

    try:
        started = await sync_to_async(began)()
    except PunchOutRefused as refused:
        context = _refusal(str(refused))
        return await sync_to_async(render)(
            request, "punchout/refused.html", context, status=refused.http_status
        )
    verdict = await setup.send(started)
    await sync_to_async(setup.finish)(started, verdict)
    if verdict.outcome is Outcome.SUCCESS:
        return HttpResponseRedirect(verdict.start_page)
    context = {
        "supplier": started.supplier,
        "verdict": verdict,
        "answer": verdict.answer.decode("utf-8", errors="replace"),
    }
    return await sync_to_async(render)(request, "punchout/setup_failed.html", context, status=502)


@require_POST
async def start_shopping(request: HttpRequest, pk: int) -> HttpResponse:
    return await _start(request, Operation.CREATE, supplier=pk)


@require_POST
async def edit_cart(request: HttpRequest, number: str) -> HttpResponse:
    return await _start(request, Operation.EDIT, number=number)


@require_POST
async def inspect_cart(request: HttpRequest, number: str) -> HttpResponse:
    return await _start(request, Operation.INSPECT, number=number)


@csrf_exempt
@require_POST
@never_cache
def cart_return(request: HttpRequest, token: str) -> HttpResponse:
    """The BrowserFormPost URL: the supplier's page posts the cart here through the
    user's browser, cross-site, so without a CSRF token and perhaps without our
    session cookie; the token in the URL and the BuyerCookie stand in for both."""
    user: AbstractUser = request.user  # type: ignore[assignment]
    try:
        returned = receive.receive(
            token, request.POST.lists(), user, request.META.get("REMOTE_ADDR", "")
        )
    except PunchOutRefused as refused:
        context = _refusal(str(refused), "The cart could not be accepted")
        return render(request, "punchout/refused.html", context, status=refused.http_status)
    messages.success(request, returned.message)
    if returned.requisition is None:
        target = reverse("punchout:shop")
    else:
        target = reverse("requisitions:detail", args=[returned.requisition.number])
    return HttpResponseRedirect(target, status=303)  # the browser follows with a GET
