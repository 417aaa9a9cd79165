"""Integration health of one supplier partner (punchin.web.health), for the admins of
the partner's organisation and staff."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.urls import reverse

from punchin.procurement.accounts.services import admin_organisations
from punchin.procurement.documents.models import CxmlDocument
from punchin.procurement.partners.delivery import partner_key
from punchin.procurement.partners.models import SupplierPartner
from punchin.web.health.report import Peers
from punchin.web.health.views import Partner, document_page, health_page, refused

REFUSED = "Only the admins of the partner's organisation and staff see its integration health."


def _partner(request: HttpRequest, pk: int) -> Partner | None:
    partner = SupplierPartner.objects.filter(pk=pk).first()
    if partner is None:
        return None
    if not request.user.is_staff and partner.organisation not in admin_organisations(
        request.user  # type: ignore[arg-type]
    ):
        return None
    return _health_partner(partner)


def _health_partner(partner: SupplierPartner) -> Partner:
    """The log rows that are this partner's: those the inbound pipeline wrote under its
    name, and the carts fetched from its PoomUrl hosts. A name or host another partner
    shares is left out (with a note): it would show that partner's documents here."""
    others = SupplierPartner.objects.exclude(pk=partner.pk)
    shared_name = others.filter(name=partner.name).exists()
    other_hosts = {
        host for other in others.only("allowed_poom_hosts") for host in other.allowed_hosts
    }
    hosts = frozenset(partner.allowed_hosts) - other_hosts
    notes = []
    if shared_name:
        notes.append(
            f"Another partner is also named {partner.name!r}: the documents it sent are not "
            "counted here, since the log names a sender by its partner's name. Rename one."
        )
    if set(partner.allowed_hosts) - hosts:
        shared = ", ".join(sorted(set(partner.allowed_hosts) - hosts))
        notes.append(f"Carts fetched from {shared} are not counted: another partner uses it too.")
    url = reverse("partners:health", args=[partner.pk])
    return Partner(
        name=partner.name,
        key=partner_key(partner),
        peers=Peers(frozenset() if shared_name else frozenset({partner.name}), hosts),
        url=url,
        back_url=reverse("partners:settings"),
        back_label="Supplier partners",
        document_url=lambda doc: reverse("partners:health_document", args=[partner.pk, doc]),
        notes=tuple(notes),
    )


@login_required
def partner_health(request: HttpRequest, pk: int) -> HttpResponse:
    partner = _partner(request, pk)
    if partner is None:
        return refused(request, REFUSED)
    # Procurement's outbound documents live in the delivery queue only.
    return health_page(request, partner, CxmlDocument, deliveries_logged=False)


@login_required
def partner_health_document(request: HttpRequest, pk: int, doc: int) -> HttpResponse:
    partner = _partner(request, pk)
    if partner is None:
        return refused(request, REFUSED)
    return document_page(request, partner, CxmlDocument, doc)
