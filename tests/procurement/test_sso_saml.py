"""Single sign-on with SAML 2.0 against pysaml2's IdP on loopback: the landing through
the IdP, and the attacks (docs/security.md rows 30-34)."""

from __future__ import annotations

import base64
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import requests
from django.contrib.auth import get_user_model
from django.urls import reverse

from punchin.idp import Account
from punchin.procurement.accounts.models import Membership, Organisation
from punchin.procurement.requisitions.models import Requisition
from punchin.procurement.sso.models import Identity, IdentityProvider
from punchin.web import demo
from punchin.web.testing import LiveASGIServer
from tests.procurement.conftest import FakeStorefront
from tests.procurement.sso import PASSWORD, SamlIdP, auto_post_form
from tests.procurement.test_endpoint import punch_in
from tests.procurement.test_sso_oidc import start_page_of

pytestmark = pytest.mark.django_db(transaction=True)

NEWCOMER = "saml@acme.example"


@pytest.fixture
def idp(tmp_path: Path) -> Iterator[SamlIdP]:
    accounts = [Account(NEWCOMER, PASSWORD, "Sal", "Saml"), Account("x@globex.example", PASSWORD)]
    with SamlIdP(tmp_path, accounts, name="acme") as server:
        yield server


@pytest.fixture
def acme_saml(idp: SamlIdP, procurement: LiveASGIServer) -> IdentityProvider:
    return idp.configure(Organisation.objects.get(), procurement, domains="acme.example")


def to_idp_and_back(browser: requests.Session, url: str, email: str) -> tuple[str, dict[str, str]]:
    """Follow ``url`` to the IdP's form and sign in; the HTTP-POST binding it answers."""
    page = browser.get(url, timeout=10)
    assert page.status_code == 200, page.text
    assert "Test IdP: sign in" in page.text
    action, fields = auto_post_form(page.text)
    fields.update(email=email, password=PASSWORD)
    answer = browser.post(
        urlsplit(page.url)._replace(path=action).geturl(), data=fields, timeout=10
    )
    assert answer.status_code == 200, answer.text
    return auto_post_form(answer.text)


def start(server: LiveASGIServer, provider: IdentityProvider, next_path: str = "") -> str:
    url = f"{server.url}{reverse('sso:start', args=[provider.pk])}"
    return f"{url}?next={next_path}" if next_path else url


def test_metadata_names_our_acs_for_the_organisation(
    procurement: LiveASGIServer, acme_saml: IdentityProvider
) -> None:
    answer = requests.get(
        procurement.url + reverse("sso:saml-metadata", args=[acme_saml.pk]), timeout=10
    )
    assert answer.status_code == 200
    assert answer.headers["Content-Type"].startswith("text/xml")
    assert procurement.url + reverse("sso:saml-acs", args=[acme_saml.pk]) in answer.text
    assert 'WantAssertionsSigned="true"' in answer.text


def test_punch_in_lands_through_the_idp_on_the_requisition(
    procurement: LiveASGIServer, storefront: FakeStorefront, acme_saml: IdentityProvider
) -> None:
    answer, _ = punch_in(procurement, storefront, email=NEWCOMER)
    start_page = start_page_of(answer)
    assert "requiresAuthBySSO=1" in start_page

    browser = requests.Session()
    acs, fields = to_idp_and_back(browser, start_page, NEWCOMER)
    assert acs == procurement.url + reverse("sso:saml-acs", args=[acme_saml.pk])
    landed = browser.post(acs, data=fields, timeout=10)

    requisition = Requisition.objects.get()
    assert landed.status_code == 200, landed.text
    assert urlsplit(landed.url).path == reverse("requisitions:detail", args=[requisition.number])
    user = get_user_model().objects.get(email=NEWCOMER)
    assert requisition.requester == user
    assert (user.first_name, user.last_name) == ("Sal", "Saml")
    assert Membership.objects.get(user=user).organisation == acme_saml.organisation
    assert Identity.objects.get(user=user).provider == acme_saml


def test_a_tampered_relay_state_is_refused_with_a_clear_page(
    procurement: LiveASGIServer, acme_saml: IdentityProvider
) -> None:
    browser = requests.Session()
    acs, fields = to_idp_and_back(browser, start(procurement, acme_saml), NEWCOMER)
    fields["RelayState"] = "/admin/"
    page = browser.post(acs, data=fields, timeout=10)
    assert page.status_code == 400
    assert "does not belong to a sign-in started in this browser" in page.text
    assert not get_user_model().objects.filter(email=NEWCOMER).exists()


def test_a_replayed_response_is_refused(
    procurement: LiveASGIServer, acme_saml: IdentityProvider
) -> None:
    browser = requests.Session()
    acs, fields = to_idp_and_back(browser, start(procurement, acme_saml), NEWCOMER)
    assert browser.post(acs, data=fields, timeout=10).status_code == 200
    # Again, with a new sign-in started so that a RelayState is pending again.
    browser.get(start(procurement, acme_saml), timeout=10)
    pending = browser.get(start(procurement, acme_saml), allow_redirects=False, timeout=10)
    relay = dict(
        pair.split("=", 1) for pair in urlsplit(pending.headers["Location"]).query.split("&")
    )["RelayState"]
    replayed = browser.post(acs, data={**fields, "RelayState": relay}, timeout=10)
    assert replayed.status_code in (400, 403)
    assert "not accepted" in replayed.text


def test_a_response_with_an_altered_assertion_is_refused(
    procurement: LiveASGIServer, acme_saml: IdentityProvider
) -> None:
    """Signature: the assertion now names someone else."""
    browser = requests.Session()
    acs, fields = to_idp_and_back(browser, start(procurement, acme_saml), NEWCOMER)
    xml = base64.b64decode(fields["SAMLResponse"]).decode()
    assert NEWCOMER in xml
    forged = xml.replace(NEWCOMER, demo.PROCUREMENT_ADMIN)
    fields["SAMLResponse"] = base64.b64encode(forged.encode()).decode()
    page = browser.post(acs, data=fields, timeout=10)
    assert page.status_code in (400, 403)
    assert "failed its checks" in page.text
    assert "_auth_user_id" not in page.text


def test_another_organisations_idp_is_not_trusted_here(
    procurement: LiveASGIServer, acme_saml: IdentityProvider, tmp_path: Path
) -> None:
    """Globex's IdP answers, signed with its own key, to Acme's Assertion Consumer."""
    globex = Organisation.objects.create(name="Globex")
    globex_dir = tmp_path / "globex"
    globex_dir.mkdir()
    with SamlIdP(globex_dir, [Account("x@globex.example", PASSWORD)], name="globex") as other:
        globex_saml = other.configure(globex, procurement, domains="globex.example")
        browser = requests.Session()
        # A sign-in at Acme is pending in this browser...
        pending = browser.get(start(procurement, acme_saml), allow_redirects=False, timeout=10)
        relay = dict(
            pair.split("=", 1) for pair in urlsplit(pending.headers["Location"]).query.split("&")
        )["RelayState"]
        # ...and Globex's signed answer is posted to Acme's ACS with it.
        _, fields = to_idp_and_back(browser, start(procurement, globex_saml), "x@globex.example")
        acme_acs = procurement.url + reverse("sso:saml-acs", args=[acme_saml.pk])
        page = browser.post(acme_acs, data={**fields, "RelayState": relay}, timeout=10)
    assert page.status_code in (400, 403)
    assert "not accepted" in page.text
    assert not Identity.objects.filter(provider=acme_saml).exists()
