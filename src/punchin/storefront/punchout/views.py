"""The PunchOut endpoint and the pages of a session: StartPage, transfer, cancel."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from punchin.cxml.punchout import PunchOutSetupRequest
from punchin.storefront.cart.services import CheckoutError
from punchin.storefront.cart.views import base_url
from punchin.storefront.integration.inbound import endpoint
from punchin.storefront.orders.models import InboundRequest
from punchin.storefront.punchout import clock, setup
from punchin.storefront.punchout.active import enter, leave
from punchin.storefront.punchout.catalog_call import open_catalog
from punchin.storefront.punchout.models import Operation, PunchOutSession, State
from punchin.storefront.punchout.start import Refused, start
from punchin.storefront.punchout.transfer import AlreadyEnded, transfer

setup_endpoint = endpoint(
    PunchOutSetupRequest,
    setup.open_session,
    InboundRequest,
    check=setup.check,
    in_test_mode=setup.open_session,  # the session carries the mode to its cart
)
"""``POST /cxml/punchout``: a purchasing system opens a PunchOut session (P26); in test
mode too, since shopping orders nothing (docs/test-mode.md)."""


def _notice(request: HttpRequest, title: str, advice: str, status: int) -> HttpResponse:
    context = {"title": title, "advice": advice}
    return render(request, "punchout/notice.html", context, status=status)


@require_GET
@never_cache
def start_page(request: HttpRequest, token: str) -> HttpResponse:
    """The StartPage (P30): signs the session's user in, once, and opens the shop."""
    try:
        session = start(token, clock.now())
    except Refused as refused:
        return _notice(request, refused.title, refused.advice, refused.status)
    login(request, session.user, backend="punchin.web.sessions.UserBackend")
    enter(request, session)
    if session.unmatched:
        left_out = "; ".join(session.unmatched.splitlines())
        messages.warning(request, f"Not sold here any more, so not in your cart: {left_out}.")
    return redirect("catalog:home" if session.operation == Operation.CREATE else "cart:cart")


@csrf_exempt
@require_http_methods(["GET", "POST"])
@never_cache
def oci_entry(request: HttpRequest) -> HttpResponse:
    """OCI's catalog URL (docs/oci.md): the buyer's browser brings the catalog call,
    cross-site, by GET or POST (the query's fields and the form's alike), so without a
    CSRF token; the catalog login stands in for it. It signs the user in and opens the
    shop, as the StartPage does."""
    fields = [(name, value) for name, values in request.GET.lists() for value in values]
    if request.method == "POST":
        fields += [(name, value) for name, values in request.POST.lists() for value in values]
    try:
        session = open_catalog(fields, clock.now())
    except Refused as refused:
        return _notice(request, refused.title, refused.advice, refused.status)
    login(request, session.user, backend="punchin.web.sessions.UserBackend")
    enter(request, session)
    return redirect("catalog:home")


@login_required
@require_POST
def transfer_cart(request: HttpRequest, key: str) -> HttpResponse:
    """ "Transfer cart to <system>": the cart goes back through this browser (P33)."""
    return _end(request, key, empty=False)


@login_required
@require_POST
def cancel(request: HttpRequest, key: str) -> HttpResponse:
    """Back to the purchasing system without a cart (P34)."""
    return _end(request, key, empty=True)


@never_cache
def _end(request: HttpRequest, key: str, *, empty: bool) -> HttpResponse:
    session = PunchOutSession.objects.select_related("system").filter(key=key, user=request.user)
    found = session.first()
    if found is None or found.state == State.OPEN:
        raise Http404("no such PunchOut session")
    try:
        returned = transfer(found, base_url(request), clock.now(), empty=empty)
    except AlreadyEnded as ended:
        leave(request)
        done = "transferred" if ended.session.state == State.TRANSFERRED else "closed"
        return _notice(
            request,
            f"This cart was already {done}",
            f"It went back to {found.system_name} once and cannot go again. To shop "
            f"more, start again from {found.system_name}.",
            409,
        )
    except CheckoutError as exc:
        messages.error(request, str(exc))
        return redirect("cart:cart")
    leave(request)
    context = {"returned": returned, "system_name": found.system_name, "empty": empty}
    return render(request, "punchout/transfer.html", context)
