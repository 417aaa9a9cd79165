"""The partner settings page: what an organisation admin needs to onboard a supplier."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from punchin.procurement.accounts.services import admin_organisations
from punchin.procurement.partners.models import SupplierPartner


@login_required
def partner_settings(request: HttpRequest) -> HttpResponse:
    """Partners of the organisations the user administers, and the URLs to give them."""
    organisations = admin_organisations(request.user)  # type: ignore[arg-type]
    partners = (
        SupplierPartner.objects.filter(organisation__in=organisations)
        .select_related("organisation")
        .prefetch_related("shared_secrets", "certificate_pins")
    )
    return render(
        request,
        "procurement/partner_settings.html",
        {
            "organisations": organisations,
            "partners": partners,
            "punchin_url": request.build_absolute_uri(reverse("cxml:punchin")),
        },
        status=200 if organisations else 403,
    )
