from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db.models import F, Q
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from punchin.storefront.accounts.models import PurchasingMode
from punchin.storefront.accounts.roles import BUYER
from punchin.storefront.accounts.services import buying_groups, member_of
from punchin.storefront.cart.models import Order
from punchin.storefront.documents.models import CxmlDocument
from punchin.storefront.orders.models import PurchaseOrder
from punchin.storefront.submissions import attempts
from punchin.storefront.submissions.models import Poom, PunchInSubmission
from punchin.web import lanes, logs
from punchin.web.cxmlhttp import CXML_CONTENT_TYPE, cxml_endpoint, status_response
from punchin.web.prepared import Select, Update


@login_required
def page(request: HttpRequest, pk: int) -> HttpResponse:
    """The buyer watches the submission: sending, retrying (n of N), then the StartPage
    or an explanation (P23). A few lines of script drive ``attempt``."""
    submission = get_object_or_404(PunchInSubmission, pk=pk, user=request.user)
    context = {
        "submission": submission,
        "progress": attempts.progress(submission),
        "attempts": submission.attempt_log.select_related("response"),
    }
    return render(request, "submissions/page.html", context)


def _claim(request: HttpRequest, pk: int) -> attempts.Claim | attempts.Progress | None:
    """The buyer's session and user, the ownership check and the claim: one hop from
    the event loop for all of them (each hop costs more than its query). None if
    nobody is signed in."""
    if not request.user.is_authenticated:
        return None
    submission = attempts.CLAIMABLE.one(pk=pk, user=request.user.pk)
    if submission is None:
        raise Http404("no such submission of yours")
    return attempts.claim(submission)


@require_POST
async def attempt(request: HttpRequest, pk: int) -> HttpResponse:
    """One attempt (if due), awaited on the event loop: the worker stays free to serve
    the PoomUrl that the e-procurement side fetches meanwhile (P5)."""
    claimed = await lanes.call(_claim, request, pk)
    if claimed is None:
        return JsonResponse({"error": "sign in first"}, status=403)
    if isinstance(claimed, attempts.Claim):
        logs.working_on(claimed.submission.payload_id)
        progress = await attempts.attempt(claimed)
    else:
        progress = claimed
    if "application/json" in request.headers.get("Accept", ""):
        return JsonResponse(progress.as_json())
    if progress.redirect_url:
        return redirect(progress.redirect_url)
    return redirect("submissions:page", pk=pk)


_POOM: Select[Poom] = Select(
    lambda token: (
        Poom.objects.filter(token=token)
        .select_related("document")
        .only("pk", "expires_at", "document__raw", "document__masked_secrets")
    )
)
_FETCHED = Update(
    lambda pk, now: (
        Poom.objects.filter(pk=pk),
        {"last_fetched_at": now, "fetch_count": F("fetch_count") + 1},
    )
)


def _serve_poom(token: str) -> HttpResponse:
    """The PoomUrl's lookup (one indexed query, the stored document only) and its fetch
    count, in one hop from the event loop; both prepared statements."""
    poom = _POOM.one(token=token)
    if poom is None:
        return status_response(404, "no cart behind this PoomUrl", text="Not Found")
    now = timezone.now()
    if now >= poom.expires_at:
        # P19: "The PoomUrl must be fetched within one minute; after that the
        # supplier answers 500."
        return status_response(500, "this PoomUrl has expired")
    _FETCHED(pk=poom.pk, now=now)
    return HttpResponse(poom.document.sent, content_type=CXML_CONTENT_TYPE)


@require_GET
@cxml_endpoint
async def poom(request: HttpRequest, token: str) -> HttpResponse:
    """The PoomUrl (P5, P18): the POOM's exact bytes until it expires, then a cXML
    Status 500 (P19). The token is 256 random bits; its lookup is an index probe."""
    response: HttpResponse = await lanes.call(_serve_poom, token)
    return response


@BUYER.required
def history(request: HttpRequest) -> HttpResponse:
    """Order history: direct orders and Punch-in submissions with every attempt, the
    approval decision (P8, StatusUpdateRequest) and the purchase orders received."""
    submissions = list(
        PunchInSubmission.objects.filter(user=request.user).prefetch_related("attempt_log")
    )
    by_submission: dict[int, list[PurchaseOrder]] = {}
    for order in (
        PurchaseOrder.objects.filter(lines__submission__in=submissions)
        .distinct()
        .prefetch_related("lines")
    ):
        for pk in {line.submission_id for line in order.lines.all() if line.submission_id}:
            by_submission.setdefault(pk, []).append(order)
    for submission in submissions:
        submission.purchase_orders = by_submission.get(submission.pk, [])  # type: ignore[attr-defined]
    orders = Order.objects.filter(user=request.user)
    member = member_of(request.user)
    # Each buyer sees the sections that apply to them (P12): a direct buyer is shown no
    # empty approval section, a Punch-in buyer no empty list of website orders.
    modes = {group.purchasing_mode for group in buying_groups(member)} if member else set()
    return render(
        request,
        "submissions/history.html",
        {
            "submissions": submissions,
            "orders": orders,
            "punches_in": PurchasingMode.PUNCHIN in modes,
            "buys_direct": PurchasingMode.DIRECT in modes,
        },
    )


@login_required
def document(request: HttpRequest, pk: int) -> HttpResponse:
    """A stored document of one of the buyer's submissions, SharedSecret masked."""
    mine = PunchInSubmission.objects.filter(user=request.user)
    doc = get_object_or_404(
        CxmlDocument.objects.filter(
            Q(submission__in=mine)
            | Q(poom__submission__in=mine)
            | Q(attempt__submission__in=mine)
            | Q(decided_submissions__in=mine)
        ).distinct(),
        pk=pk,
    )
    return render(request, "submissions/document.html", {"doc": doc, "text": doc.text})
