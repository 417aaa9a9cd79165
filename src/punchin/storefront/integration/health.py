"""Integration health of one purchasing system (punchin.web.health), for its business
account's admins and store staff."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.urls import reverse

from punchin.storefront.accounts.services import member_of
from punchin.storefront.documents.models import CxmlDocument
from punchin.storefront.integration.models import PurchasingSystem
from punchin.web.health.report import Peers
from punchin.web.health.views import Partner, document_page, health_page, refused

REFUSED = "Only the business account's admins and store staff see its integration health."


def _peers(system: PurchasingSystem) -> set[str]:
    """How the log names this system: the inbound pipeline by its name, the documents
    we send it (and its answers to our Punch-in) by the URL they went to."""
    fields = PurchasingSystem.DEFAULT_PATHS
    return {str(system), system.endpoint_url, *(system.document_url(f) for f in fields)}


def _partner(request: HttpRequest, pk: int) -> Partner | None:
    system = PurchasingSystem.objects.select_related("account").filter(pk=pk).first()
    if system is None:
        return None
    member = member_of(request.user)
    own = member is not None and member.is_account_admin and member.account_id == system.account_id
    if not own and not request.user.is_staff:
        return None
    # Several accounts' systems may share an endpoint (one e-procurement network for
    # many customers): a URL another system uses too would show its documents here.
    others = PurchasingSystem.objects.exclude(pk=system.pk).select_related("account")
    shared = _peers(system) & {peer for other in others for peer in _peers(other)}
    notes = tuple(
        f"Documents to and from {peer} are not counted: another account's system uses it too."
        for peer in sorted(shared)
    )
    return Partner(
        name=str(system),
        key=str(system.pk),
        peers=Peers(frozenset(_peers(system) - shared)),
        url=reverse("integration:health", args=[system.pk]),
        back_url=reverse("integration:configure")
        if own
        else reverse("admin:integration_purchasingsystem_change", args=[system.pk]),
        back_label="Configure Purchasing System" if own else "Purchasing system (admin)",
        document_url=lambda doc: reverse("integration:health_document", args=[system.pk, doc]),
        notes=notes,
    )


@login_required
def system_health(request: HttpRequest, pk: int) -> HttpResponse:
    partner = _partner(request, pk)
    if partner is None:
        return refused(request, REFUSED)
    # The storefront logs every document it sends, queued ones included.
    return health_page(request, partner, CxmlDocument, deliveries_logged=True)


@login_required
def system_health_document(request: HttpRequest, pk: int, doc: int) -> HttpResponse:
    partner = _partner(request, pk)
    if partner is None:
        return refused(request, REFUSED)
    return document_page(request, partner, CxmlDocument, doc)
