"""Account Details > Business Settings > Systems integrations > Configure Purchasing
System (P9), for account admins only."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from punchin.storefront.accounts.services import account_admin
from punchin.storefront.cart.views import base_url
from punchin.storefront.documents.models import CxmlDocument
from punchin.storefront.integration.forms import PurchasingSystemForm
from punchin.storefront.integration.models import PurchasingSystem
from punchin.storefront.integration.services import (
    ConfigurationError,
    endpoint_hint,
    store_pem,
    system_of,
)
from punchin.storefront.submissions.testrequest import send_test_request
from punchin.web import lanes
from punchin.web.documents import repaired_counts


@login_required
def business_settings(request: HttpRequest) -> HttpResponse:
    member = account_admin(request.user)
    return render(
        request, "integration/business_settings.html", {"system": system_of(member.account)}
    )


@login_required
def configure(request: HttpRequest) -> HttpResponse:
    """P9-P10: pick the system, its endpoint, the auth scheme, identities, mode."""
    member = account_admin(request.user)
    instance = system_of(member.account) or PurchasingSystem(account=member.account)
    form = PurchasingSystemForm(request.POST or None, request.FILES or None, instance=instance)
    if request.method == "POST" and form.is_valid():
        system = form.save(commit=False)
        try:
            for field, name, marker, attribute in (
                ("client_certificate", "client-cert", b"CERTIFICATE", "client_cert_file"),
                ("client_key", "client-key", b"PRIVATE KEY", "client_key_file"),
            ):
                upload = form.cleaned_data.get(field)
                if upload:
                    path = store_pem(member.account, name, upload.read(), marker)
                    setattr(system, attribute, path)
        except ConfigurationError as exc:
            form.add_error(None, str(exc))
        else:
            system.save()
            messages.success(request, "Your purchasing system is configured for Punch-in.")
            return redirect("integration:configure")
    return render(
        request,
        "integration/configure.html",
        {
            "form": form,
            "endpoint_hint": endpoint_hint(),
            "system": instance if instance.pk else None,
            "previous_accepted": bool(instance.pk) and len(instance.accepted_secrets()) > 1,
            "repaired": repaired_counts(CxmlDocument, [str(instance)]).get(str(instance), 0)
            if instance.pk
            else 0,
            "punchout_url": base_url(request) + reverse("punchout:setup_endpoint"),
            "oci_url": base_url(request) + reverse("punchout:oci"),
        },
    )


@require_POST
async def test_request(request: HttpRequest) -> HttpResponse:
    """P9's "Send test request": show exactly what the endpoint answered."""
    user = await request.auser()
    if not user.is_authenticated:
        return redirect("login")
    member = await lanes.call(account_admin, user)
    system = await PurchasingSystem.objects.filter(account_id=member.account_id).afirst()
    if system is None:
        return redirect("integration:configure")
    verdict, answer = await send_test_request(system, user.email, base_url(request))
    context = {
        "system": system,
        "verdict": verdict,
        "answer_text": answer.text if answer else "",
    }
    return await lanes.call(render, request, "integration/test_result.html", context)
