"""Configuring single sign-on: who may, and what a configuration must say."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.test import Client

from punchin.procurement.accounts.models import Organisation
from punchin.procurement.sso.models import IdentityProvider, Protocol
from punchin.web import demo
from tests.signin import login

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded() -> None:
    call_command("seed_demo", storefront_url="http://127.0.0.1:8001")


def logged_in(client: Client, email: str) -> Client:
    assert login(client, email, demo.PASSWORD)
    return client


def test_an_organisation_admin_configures_oidc_and_the_secret_stays_hidden(
    seeded: None, client: Client, settings: Any
) -> None:
    settings.PUNCHIN_DEV = False
    logged_in(client, demo.PROCUREMENT_ADMIN)
    organisation = Organisation.objects.get()
    prefix = f"org{organisation.pk}"
    form = {
        "organisation": organisation.pk,
        f"{prefix}-protocol": "oidc",
        f"{prefix}-enabled": "on",
        f"{prefix}-email_domains": "acme.example",
        f"{prefix}-issuer": "https://login.acme.example",
        f"{prefix}-client_id": "procurement",
        f"{prefix}-client_secret": "s3cret-value",
    }
    assert client.post("/accounts/sso/settings/", form).status_code == 302
    provider = IdentityProvider.objects.get()
    assert provider.client_secret == "s3cret-value"
    page = client.get("/accounts/sso/settings/").content.decode()
    assert "s3cret-value" not in page
    assert 'href="/accounts/sso/settings/" id="nav-sso">Single sign-on</a>' in page  # navigation
    assert "/accounts/sso/oidc/callback" in page
    # Saving again without typing the secret keeps it.
    form[f"{prefix}-client_secret"] = ""
    form[f"{prefix}-display_name"] = "Acme Okta"
    assert client.post("/accounts/sso/settings/", form).status_code == 302
    provider.refresh_from_db()
    assert (provider.display_name, provider.client_secret) == ("Acme Okta", "s3cret-value")
    # Plain http is refused outside development.
    form[f"{prefix}-issuer"] = "http://login.acme.example"
    answer = client.post("/accounts/sso/settings/", form)
    assert answer.status_code == 200
    assert "must be an https URL" in answer.content.decode()


def test_people_who_are_not_admins_see_no_settings(seeded: None, client: Client) -> None:
    logged_in(client, demo.PUNCHIN_BUYER)
    assert client.get("/accounts/sso/settings/").status_code == 403


def test_a_domain_belongs_to_one_organisation(seeded: None) -> None:
    acme = Organisation.objects.get()
    IdentityProvider.objects.create(
        organisation=acme, protocol=Protocol.SAML, email_domains="acme.example", saml_metadata="x"
    )
    other = IdentityProvider(
        organisation=Organisation.objects.create(name="Globex"),
        protocol=Protocol.SAML,
        email_domains="globex.example, ACME.example",
        saml_metadata="x",
    )
    with pytest.raises(ValidationError, match=r"acme\.example"):
        other.full_clean()


def test_a_configuration_names_what_its_protocol_needs(seeded: None) -> None:
    provider = IdentityProvider(
        organisation=Organisation.objects.get(), protocol=Protocol.OIDC, email_domains="a.example"
    )
    with pytest.raises(ValidationError) as refused:
        provider.full_clean()
    assert set(refused.value.message_dict) == {"issuer", "client_id", "client_secret"}


def test_the_demo_seed_signs_acme_in_at_the_demo_provider() -> None:
    for _ in range(2):
        call_command(
            "seed_demo", storefront_url="http://127.0.0.1:8001", sso_issuer="http://127.0.0.1:8003"
        )
    provider = IdentityProvider.objects.get()
    assert provider.organisation.name == demo.ORGANISATION
    assert (provider.protocol, provider.issuer, provider.client_id) == (
        Protocol.OIDC,
        "http://127.0.0.1:8003",
        demo.SSO_CLIENT_ID,
    )
    assert provider.domains == [demo.SSO_BUYER.rpartition("@")[2]]


def test_saml_metadata_that_cannot_be_used_is_refused_with_the_reason(
    seeded: None, client: Client
) -> None:
    logged_in(client, demo.PROCUREMENT_ADMIN)
    organisation = Organisation.objects.get()
    prefix = f"org{organisation.pk}"
    form = {
        "organisation": organisation.pk,
        f"{prefix}-protocol": "saml",
        f"{prefix}-enabled": "on",
        f"{prefix}-email_domains": "acme.example",
    }
    for metadata, reason in (
        ("<html>not metadata", "not SAML metadata that can be read"),
        ("<EntityDescriptor/>", "names 0 identity providers"),
    ):
        answer = client.post(
            "/accounts/sso/settings/", {**form, f"{prefix}-saml_metadata": metadata}
        )
        assert answer.status_code == 200
        assert reason in answer.content.decode()
    assert not IdentityProvider.objects.exists()
