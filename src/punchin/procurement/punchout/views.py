"""The PunchOut pages: shopping at suppliers, their settings, and the cart's way back."""

from __future__ import annotations

from urllib.parse import parse_qsl

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import AbstractUser
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from punchin.cxml.status import Outcome
from punchin.procurement.accounts.roles import PROCUREMENT_ADMIN
from punchin.procurement.accounts.services import admin_organisations
from punchin.procurement.partners.models import SupplierPartner
from punchin.procurement.punchout import oci, receive, setup
from punchin.procurement.punchout.catalog import shoppable
from punchin.procurement.punchout.exceptions import PunchOutRefused
from punchin.procurement.punchout.forms import PunchOutSupplierForm
from punchin.procurement.punchout.models import Operation, Protocol, PunchOutSupplier
from punchin.procurement.requisitions.models import Requisition
from punchin.web import lanes


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


@PROCUREMENT_ADMIN.required
def suppliers(request: HttpRequest) -> HttpResponse:
    """The procurement admin's list: each partner's PunchOut settings."""
    return render(request, "punchout/suppliers.html", {"partners": _partners(request)})


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


# Every field OCI defines, and long text in chunks: room for a full cart.
_FIELDS_PER_LINE = 64


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
        started = await lanes.call(began)
    except PunchOutRefused as refused:
        context = _refusal(str(refused))
        return await lanes.call(
            render, request, "punchout/refused.html", context, status=refused.http_status
        )
    verdict = await setup.send(started)
    await lanes.call(setup.finish, started, verdict)
    if verdict.outcome is Outcome.SUCCESS:
        return HttpResponseRedirect(verdict.start_page)
    context = {
        "supplier": started.supplier,
        "verdict": verdict,
        "answer": verdict.answer.decode("utf-8", errors="replace"),
    }
    return await lanes.call(render, request, "punchout/setup_failed.html", context, status=502)


@require_POST
async def start_shopping(request: HttpRequest, pk: int) -> HttpResponse:
    protocol = (
        await PunchOutSupplier.objects.filter(pk=pk).values_list("protocol", flat=True).afirst()
    )
    if protocol == Protocol.OCI:
        return await lanes.call(_open_catalog, request, pk)
    return await _start(request, Operation.CREATE, supplier=pk)


def _open_catalog(request: HttpRequest, pk: int) -> HttpResponse:
    """OCI: a page whose form takes the browser to the catalog with the call's fields
    (the catalog login among them, so it is posted, never put in a URL, and the page
    is not cached)."""
    user: AbstractUser = request.user  # type: ignore[assignment]
    if not user.is_authenticated:
        return redirect(f"{reverse('accounts:login')}?next={reverse('punchout:shop')}")
    supplier = get_object_or_404(
        PunchOutSupplier.objects.select_related("partner__organisation"), pk=pk
    )
    try:
        launch = oci.begin(supplier, user, base_url=_base_url(request))
    except PunchOutRefused as refused:
        context = _refusal(str(refused))
        return render(request, "punchout/refused.html", context, status=refused.http_status)
    response = render(request, "punchout/oci_launch.html", {"launch": launch, "supplier": supplier})
    add_never_cache_headers(response)
    return response


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
    return _returned(request, returned)


@csrf_exempt
@never_cache
def oci_return(request: HttpRequest, token: str) -> HttpResponse:
    """The HOOK_URL: the catalog's page posts the cart's NEW_ITEM fields here through
    the user's browser, cross-site, like the BrowserFormPost above; the token in the
    URL names the session (docs/oci.md)."""
    if request.method != "POST":
        context = _refusal(
            "The supplier's page must post the cart here (method POST); a link "
            f"cannot bring it. {receive.NOTHING_ADDED}",
            "The cart could not be accepted",
        )
        return render(request, "punchout/refused.html", context, status=405)
    user: AbstractUser = request.user  # type: ignore[assignment]
    try:
        returned = oci.receive(token, _form_fields(request), user, _peer(request))
    except PunchOutRefused as refused:
        context = _refusal(str(refused), "The cart could not be accepted")
        return render(request, "punchout/refused.html", context, status=refused.http_status)
    return _returned(request, returned)


def _form_fields(request: HttpRequest) -> list[tuple[str, str]]:
    """The posted fields in order, repeated names kept (the long text's chunks). A
    cart of many lines has more fields than Django's form limit, so an urlencoded
    body is read here; its size is bounded by ``DATA_UPLOAD_MAX_MEMORY_SIZE``."""
    if request.content_type != "application/x-www-form-urlencoded":
        return [(name, value) for name, values in request.POST.lists() for value in values]
    try:
        return parse_qsl(
            request.body.decode(request.encoding or "utf-8"),
            keep_blank_values=True,
            max_num_fields=settings.PUNCHIN_POOM_MAX_LINES * _FIELDS_PER_LINE,
        )
    except UnicodeDecodeError:
        raise PunchOutRefused(
            "The supplier's page sent the cart in a character set other than the one it "
            f"declares (UTF-8 if none). {receive.NOTHING_ADDED}"
        ) from None
    except ValueError:
        raise PunchOutRefused(
            f"The supplier's page sent too many fields. {receive.NOTHING_ADDED}", 413
        ) from None


def _peer(request: HttpRequest) -> str:
    return request.META.get("REMOTE_ADDR", "")


def _returned(request: HttpRequest, returned: receive.Returned) -> HttpResponse:
    messages.success(request, returned.message)
    if returned.requisition is None:
        target = reverse("punchout:shop")
    else:
        target = reverse("requisitions:detail", args=[returned.requisition.number])
    return HttpResponseRedirect(target, status=303)  # the browser follows with a GET
