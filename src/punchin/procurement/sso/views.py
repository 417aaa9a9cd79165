"""Sign-in pages: start at the organisation's provider, come back, find the provider."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth import login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from punchin.procurement.accounts.roles import PROCUREMENT_ADMIN
from punchin.procurement.accounts.services import admin_organisations
from punchin.procurement.sso import journey, oidc, saml, services
from punchin.procurement.sso.backends import BACKEND
from punchin.procurement.sso.forms import DiscoverForm, ProviderForm
from punchin.procurement.sso.models import IdentityProvider, Protocol
from punchin.procurement.sso.pages import refused
from punchin.procurement.sso.provisioning import SignInRefused, sign_in


def _enabled(pk: int) -> IdentityProvider:
    return get_object_or_404(
        IdentityProvider.objects.select_related("organisation"), pk=pk, enabled=True
    )


@never_cache
@require_GET
def start(request: HttpRequest, provider: int) -> HttpResponse:
    """Off to the organisation's provider; ``next`` is kept here, not sent along."""
    found = _enabled(provider)
    next_path = journey.safe_next(request, request.GET.get("next"))
    try:
        if found.protocol == Protocol.OIDC:
            return oidc.start(request, found, next_path)
        return saml.start(request, found, next_path)
    except SignInRefused as why:
        return refused(request, str(why), status=502)


@never_cache
@require_GET
def oidc_callback(request: HttpRequest) -> HttpResponse:
    """The one redirect URI of every organisation: the state says whose sign-in it is."""
    pk = journey.pending_provider(request.session, request.GET.get("state", ""))
    found = IdentityProvider.objects.filter(pk=pk, protocol=Protocol.OIDC, enabled=True).first()
    try:
        if found is None:
            raise journey.not_started_here()
        person, next_path = oidc.finish(request, found)
        user = sign_in(found, person)
    except SignInRefused as why:
        return refused(request, str(why), status=400)
    login(request, user, backend=BACKEND)
    return redirect(next_path)


@require_POST
def discover(request: HttpRequest) -> HttpResponse:
    """The login page's "Sign in with your organisation": the email's domain says where."""
    form = DiscoverForm(request.POST)
    next_path = journey.safe_next(request, request.POST.get("next"))
    provider = services.provider_for_email(form.cleaned_data["email"]) if form.is_valid() else None
    if provider is None:
        messages.error(
            request,
            "No organisation signs in through its own provider with that email address; "
            "log in with your password instead.",
        )
        return redirect(f"{reverse('accounts:login')}?{urlencode({'next': next_path})}")
    return redirect(services.start_url(provider, next_path))


@PROCUREMENT_ADMIN.required
def provider_settings(request: HttpRequest) -> HttpResponse:
    """Single sign-on of the organisations the user administers."""
    organisations = admin_organisations(request.user)  # type: ignore[arg-type]
    forms = []
    for organisation in organisations:
        instance = IdentityProvider.objects.filter(organisation=organisation).first()
        instance = instance or IdentityProvider(organisation=organisation)
        bound = request.method == "POST" and request.POST.get("organisation") == str(
            organisation.pk
        )
        form = ProviderForm(
            request.POST if bound else None, instance=instance, prefix=f"org{organisation.pk}"
        )
        if bound and form.is_valid():
            form.save()
            messages.success(request, f"Single sign-on of {organisation} was saved.")
            return redirect("sso:settings")
        forms.append((organisation, form, instance))
    return render(
        request, "sso/settings.html", {"forms": forms, "public": journey.absolute(request, "")}
    )
