"""The partner settings page: what an organisation admin needs to onboard a supplier."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from punchin.procurement.accounts.roles import PROCUREMENT_ADMIN
from punchin.procurement.accounts.services import admin_organisations
from punchin.procurement.documents.models import CxmlDocument
from punchin.procurement.partners.models import SupplierPartner
from punchin.web.documents import repaired_counts


@PROCUREMENT_ADMIN.required
def partner_settings(request: HttpRequest) -> HttpResponse:
    """Partners of the organisations the user administers, and the URLs to give them."""
    organisations = admin_organisations(request.user)  # type: ignore[arg-type]
    partners = list(
        SupplierPartner.objects.filter(organisation__in=organisations)
        .select_related("organisation")
        .prefetch_related("shared_secrets", "certificate_pins")
    )
    repaired = repaired_counts(CxmlDocument, (p.name for p in partners))
    for partner in partners:
        partner.repaired = repaired.get(partner.name, 0)  # type: ignore[attr-defined]
    return render(
        request,
        "procurement/partner_settings.html",
        {
            "organisations": organisations,
            "partners": partners,
            "punchin_url": request.build_absolute_uri(reverse("cxml:punchin")),
        },
    )
