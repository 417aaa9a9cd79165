"""OpenID Connect through authlib's Django client, one client per organisation.

authlib rather than mozilla-django-oidc: mozilla-django-oidc reads one provider from
settings, while authlib's clients are plain objects made per request from the
organisation's row, and they check state, nonce, PKCE, signature, issuer and audience.
"""

from __future__ import annotations

from typing import Any

import requests
from authlib.integrations.base_client import OAuthError
from authlib.integrations.django_client import DjangoOAuth2App
from authlib.integrations.django_client.integration import DjangoIntegration
from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from joserfc.errors import JoseError

from punchin.procurement.sso import journey
from punchin.procurement.sso.models import IdentityProvider
from punchin.procurement.sso.provisioning import Person, SignInRefused, person_from

TIMEOUT_SECONDS = 10


def _issuer(provider: IdentityProvider) -> str:
    return provider.issuer.rstrip("/")


def client(provider: IdentityProvider) -> DjangoOAuth2App:
    scope = "openid email profile" + (" groups" if provider.groups_claim else "")
    return DjangoOAuth2App(
        DjangoIntegration(f"sso-{provider.pk}"),
        name=f"sso-{provider.pk}",
        client_id=provider.client_id,
        client_secret=provider.client_secret,
        server_metadata_url=f"{_issuer(provider)}/.well-known/openid-configuration",
        client_kwargs={
            "scope": scope,
            "code_challenge_method": "S256",
            "timeout": TIMEOUT_SECONDS,
        },
    )


def _metadata(app: DjangoOAuth2App, provider: IdentityProvider) -> dict[str, Any]:
    """The provider's discovery document, whose issuer must be the one configured."""
    try:
        metadata: dict[str, Any] = app.load_server_metadata()
    except (requests.RequestException, ValueError) as exc:
        raise SignInRefused(f"{provider.label} cannot be reached just now; try again.") from exc
    if str(metadata.get("issuer", "")).rstrip("/") != _issuer(provider):
        raise SignInRefused(
            f"{provider.label} names itself {metadata.get('issuer')!r}, not the configured "
            "issuer; ask your administrator to check the single sign-on settings."
        )
    return metadata


def start(request: HttpRequest, provider: IdentityProvider, next_path: str) -> HttpResponse:
    """Send the browser to the provider's authorization endpoint."""
    app = client(provider)
    _metadata(app, provider)
    redirect_uri = journey.absolute(request, reverse("sso:oidc-callback"))
    found = app.create_authorization_url(redirect_uri)
    app.save_authorize_data(request, redirect_uri=redirect_uri, **found)
    journey.remember(request.session, found["state"], provider, next_path)
    return HttpResponseRedirect(found["url"])


def finish(request: HttpRequest, provider: IdentityProvider) -> tuple[Person, str]:
    """The person the provider's answer vouches for, and the page to return to."""
    next_path = journey.recall(request.session, request.GET.get("state", ""), provider)
    app = client(provider)
    _metadata(app, provider)
    issuer = _issuer(provider)
    try:
        token = app.authorize_access_token(
            request,
            claims_options={"iss": {"essential": True, "values": [issuer, f"{issuer}/"]}},
            leeway=settings.PUNCHIN_SSO_CLOCK_SKEW_SECONDS,
        )
    except OAuthError as exc:
        raise SignInRefused(
            f"{provider.label} did not sign you in ({exc.description or exc.error})."
        ) from exc
    except JoseError as exc:
        raise SignInRefused(
            f"The answer from {provider.label} failed its checks (signature, issuer, audience, "
            "nonce or time), so it was not accepted."
        ) from exc
    except requests.RequestException as exc:
        raise SignInRefused(f"{provider.label} cannot be reached just now; try again.") from exc
    claims = token.get("userinfo")
    if not claims:
        raise SignInRefused(f"{provider.label} sent no ID token, so nobody was signed in.")
    return person_from(provider, str(claims.get("sub", "")), claims), next_path
