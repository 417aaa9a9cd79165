"""SAML 2.0 through djangosaml2 and pysaml2, one service provider per organisation.

Each organisation's SP has its own entity ID and Assertion Consumer Service URL and
trusts only its own IdP's metadata, so an assertion signed by another organisation's
IdP fails the signature check (docs/security.md row 30). The AuthnRequest carries a
random RelayState; the page to return to stays in the SAML session (rows 32, 34).
"""

from __future__ import annotations

import secrets
from typing import Any

import saml2
from django.conf import settings
from django.contrib import auth
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from djangosaml2.cache import OutstandingQueriesCache
from djangosaml2.overrides import Saml2Client
from djangosaml2.utils import get_location
from djangosaml2.views import AssertionConsumerServiceView, MetadataView
from saml2 import SAMLError
from saml2.config import SPConfig
from saml2.response import AuthnResponse
from saml2.saml import NAMEID_FORMAT_PERSISTENT

from punchin.procurement.sso import journey
from punchin.procurement.sso.backends import BACKEND
from punchin.procurement.sso.models import IdentityProvider, Protocol
from punchin.procurement.sso.pages import refused
from punchin.procurement.sso.provisioning import SignInRefused, person_from, sign_in


def sp_config(provider: IdentityProvider, request: HttpRequest) -> SPConfig:
    """The organisation's service provider, trusting its IdP's metadata only."""
    conf = SPConfig()
    conf.load(
        {
            "entityid": journey.absolute(request, reverse("sso:saml-metadata", args=[provider.pk])),
            "allow_unknown_attributes": True,
            "accepted_time_diff": settings.PUNCHIN_SSO_CLOCK_SKEW_SECONDS,
            "service": {
                "sp": {
                    "name": f"punchin procurement for {provider.organisation}",
                    "endpoints": {
                        "assertion_consumer_service": [
                            (
                                journey.absolute(
                                    request, reverse("sso:saml-acs", args=[provider.pk])
                                ),
                                saml2.BINDING_HTTP_POST,
                            )
                        ]
                    },
                    "allow_unsolicited": False,
                    "authn_requests_signed": False,
                    "want_assertions_signed": True,
                    "want_response_signed": False,
                    "name_id_format": NAMEID_FORMAT_PERSISTENT,
                    "name_id_format_allow_create": True,
                }
            },
            "metadata": {"inline": [provider.saml_metadata]},
        }
    )
    return conf


def metadata_problem(xml: str) -> str | None:
    """What is wrong with an IdP's metadata for our use, or None."""
    conf = SPConfig()
    try:
        conf.load({"entityid": "urn:punchin:check", "metadata": {"inline": [xml]}})
    except SAMLError:
        return "This is not SAML metadata that can be read."
    found = len(list(conf.metadata.identity_providers()))
    if found != 1:
        return f"The metadata names {found} identity providers; it must name exactly one."
    return None


def start(request: HttpRequest, provider: IdentityProvider, next_path: str) -> HttpResponse:
    """Send the browser to the IdP with an AuthnRequest (HTTP-Redirect binding)."""
    problem = metadata_problem(provider.saml_metadata)
    if problem:
        raise SignInRefused(
            f"{provider.label} cannot be used: {problem} Ask your administrator to check the "
            "single sign-on settings."
        )
    conf = sp_config(provider, request)
    idps = list(conf.metadata.identity_providers())
    relay = secrets.token_urlsafe(24)
    session_id, found = Saml2Client(conf).prepare_for_authenticate(
        entityid=idps[0], relay_state=relay, binding=saml2.BINDING_HTTP_REDIRECT
    )
    OutstandingQueriesCache(request.saml_session).set(session_id, relay)  # type: ignore[attr-defined]
    journey.remember(request.saml_session, relay, provider, next_path)  # type: ignore[attr-defined]
    return HttpResponseRedirect(get_location(found))


def _provider(pk: int) -> IdentityProvider:
    return get_object_or_404(
        IdentityProvider.objects.select_related("organisation"),
        pk=pk,
        protocol=Protocol.SAML,
        enabled=True,
    )


class Metadata(MetadataView):  # type: ignore[misc]
    """The SP metadata an organisation's administrator gives their IdP."""

    def get(self, request: HttpRequest, provider: int) -> HttpResponse:  # type: ignore[override]
        self.provider = _provider(provider)
        return super().get(request)  # type: ignore[no-any-return]

    def get_sp_config(self, request: HttpRequest) -> SPConfig:
        return sp_config(self.provider, request)


class AssertionConsumer(AssertionConsumerServiceView):  # type: ignore[misc]
    """djangosaml2's ACS, bound to one organisation and to the sign-in it started."""

    def post(self, request: HttpRequest, provider: int) -> HttpResponse:  # type: ignore[override]
        self.provider = _provider(provider)
        self.relay = request.POST.get("RelayState", "")
        try:
            self.next_path = journey.recall(request.saml_session, self.relay, self.provider)  # type: ignore[attr-defined]
        except SignInRefused as why:
            return refused(request, str(why), status=400)
        return super().post(request)  # type: ignore[no-any-return]

    def get_sp_config(self, request: HttpRequest) -> SPConfig:
        return sp_config(self.provider, request)

    def custom_validation(self, response: AuthnResponse) -> None:
        # The answer must be to the very request that carried this RelayState.
        if response.came_from != self.relay:
            raise SignInRefused("the answer belongs to another sign-in")

    def authenticate_user(
        self, request: HttpRequest, session_info: dict[str, Any], *args: Any
    ) -> Any:
        name_id = session_info.get("name_id")
        subject = str(getattr(name_id, "text", "") or "")
        try:
            user = sign_in(self.provider, person_from(self.provider, subject, session_info["ava"]))
        except SignInRefused as why:
            raise PermissionDenied(str(why)) from why
        auth.login(request, user, backend=BACKEND)
        return user

    def custom_redirect(self, user: Any, relay_state: str, session_info: Any) -> str:
        return self.next_path

    def handle_acs_failure(
        self,
        request: HttpRequest,
        exception: Exception | None = None,
        status: int = 403,
        **kwargs: Any,
    ) -> HttpResponse:
        if isinstance(exception, PermissionDenied) and exception.args:
            text = str(exception)
        else:
            text = (
                f"The answer from {self.provider.label} failed its checks (signature, issuer, "
                "audience, time, or an answer used twice), so it was not accepted. Start again."
            )
        return refused(request, text, status=status)
