"""The "Test received" page a test Punch-in's StartPage opens (docs/test-mode.md).

A test creates nothing, so the page has no row of its own: its link carries, signed
with the site's key, which rows of the document log hold the request and the cart, and
what the Punch-in learnt (partner, organisation, buyer). Whoever holds the link (the
store that sent the test, the browser it sends there) sees what arrived and what
production would have made of it, for ``PUNCHIN_TEST_PAGE_TTL_SECONDS``; no one can
forge a link to other rows of the log.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from django.conf import settings
from django.core import signing
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from punchin.cxml.policy import ReadingPolicy
from punchin.procurement.accounts.models import Organisation
from punchin.procurement.documents.models import CxmlDocument
from punchin.procurement.partners.models import SupplierPartner
from punchin.procurement.requisitions.reading import read_cart_document

_SALT = "punchin.procurement.punchin.test-received"


@dataclass(frozen=True, slots=True)
class ReceivedInTestMode:
    """What a test Punch-in's page shows, by reference to the rows that hold it."""

    setup_document: int
    cart_document: int
    partner: int
    organisation: int
    buyer_email: str
    buyer_exists: bool


def received_page_url(base_url: str, received: ReceivedInTestMode) -> str:
    """The StartPage of a test: the page, with the flags a supplier reads from any
    StartPage (nothing to sign in to here)."""
    token = signing.dumps(asdict(received), salt=_SALT, compress=True)
    path = reverse("punchin_test:received", args=[token])
    flags = (
        f"requiresAuthByCredentials=0&requiresAuthBySSO=0&buyerExists={int(received.buyer_exists)}"
        "&mobileSupported=1&internetSupported=1"
    )
    return f"{base_url.rstrip('/')}{path}?{flags}"


def _opened(token: str) -> ReceivedInTestMode | None:
    try:
        fields: Any = signing.loads(
            token, salt=_SALT, max_age=settings.PUNCHIN_TEST_PAGE_TTL_SECONDS
        )
        return ReceivedInTestMode(**fields)
    except (signing.BadSignature, TypeError):
        return None


def _cart_of(document: CxmlDocument) -> Any:
    """The cart as it was read when it arrived (it passed then, so it passes now)."""
    return read_cart_document(
        bytes(document.raw), CxmlDocument(), ReadingPolicy.LENIENT, check=lambda *_: None
    ).cart


@require_GET
@never_cache
def received(request: HttpRequest, token: str) -> HttpResponse:
    """What a test Punch-in brought, and that nothing was created from it."""
    found = _opened(token)
    documents = (
        CxmlDocument.objects.in_bulk([found.setup_document, found.cart_document]) if found else {}
    )
    if found is None or len(documents) != 2:
        reason = (
            "This test page link has expired or was changed: a test's page can be opened "
            f"for {settings.PUNCHIN_TEST_PAGE_TTL_SECONDS // 60} minutes. Send the test "
            "request again from the store for a new one."
        )
        return render(request, "punchin/test_refused.html", {"reason": reason}, status=410)
    setup, cart_document = documents[found.setup_document], documents[found.cart_document]
    cart = _cart_of(cart_document)
    context = {
        "partner": SupplierPartner.objects.get(pk=found.partner),
        "organisation": Organisation.objects.get(pk=found.organisation),
        "buyer_email": found.buyer_email,
        "buyer_exists": found.buyer_exists,
        "cart": cart,
        "lines": cart.lines,
        "setup": setup,
        "cart_document": cart_document,
    }
    return render(request, "punchin/test_received.html", context)
