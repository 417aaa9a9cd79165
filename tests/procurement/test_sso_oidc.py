"""Single sign-on with OpenID Connect against a real provider on loopback (punchin.idp):
just-in-time members, the Punch-in landing through the provider, and the attacks
(docs/security.md rows 29-34)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit, urlunsplit

import pytest
import requests
from django.contrib.auth import get_user_model
from django.urls import reverse

from punchin.cxml import parse
from punchin.cxml.envelope import Response
from punchin.cxml.punchout import PunchOutSetupResponse
from punchin.idp import Account
from punchin.idp.server import _OpenIDCode
from punchin.procurement.accounts.models import Membership, Organisation
from punchin.procurement.requisitions.models import Requisition
from punchin.procurement.sso.models import Identity, IdentityProvider
from punchin.web import demo
from punchin.web.testing import LiveASGIServer
from tests.procurement.conftest import FakeStorefront
from tests.procurement.sso import PASSWORD, OpenID, openid_provider
from tests.procurement.test_endpoint import punch_in

pytestmark = pytest.mark.django_db(transaction=True)

NEWCOMER = "sso@acme.example"
GLOBEX_USER = "carol@globex.example"


@pytest.fixture
def op() -> Iterator[OpenID]:
    accounts = [
        Account(NEWCOMER, PASSWORD, "Sam", "Sso", groups=("staff",)),
        Account(demo.PUNCHIN_BUYER, PASSWORD, "Bea", "Buyer"),
        Account("boss@acme.example", PASSWORD, "Ada", "Boss", groups=("purchasing-approvers",)),
    ]
    with openid_provider(accounts) as provider:
        yield provider


@pytest.fixture
def acme_sso(op: OpenID, procurement: LiveASGIServer) -> IdentityProvider:
    return op.configure(Organisation.objects.get(), procurement, domains="acme.example")


def start(server: LiveASGIServer, provider: IdentityProvider, next_path: str = "") -> str:
    query = f"?{urlencode({'next': next_path})}" if next_path else ""
    return f"{server.url}{reverse('sso:start', args=[provider.pk])}{query}"


def start_page_of(answer: Any) -> str:
    """The StartPage URL of a PunchOutSetupResponse."""
    body = parse(answer.body).body
    assert isinstance(body, Response)
    assert isinstance(body.payload, PunchOutSetupResponse)
    return body.payload.start_page.url.value


def at_provider(browser: requests.Session, url: str, email: str) -> str:
    """Follow ``url`` to the provider's form, sign in there; the callback URL it sends back."""
    page = browser.get(url, timeout=10)
    assert page.status_code == 200, page.text
    assert "Password" in page.text
    answer = browser.post(
        page.url,
        data={"email": email, "password": PASSWORD, "action": "login"},
        allow_redirects=False,
        timeout=10,
    )
    assert answer.status_code == 302, answer.text
    return answer.headers["Location"]


def test_first_sign_in_creates_the_member_just_in_time_as_a_requester(
    procurement: LiveASGIServer, acme_sso: IdentityProvider
) -> None:
    browser = requests.Session()
    callback = at_provider(browser, start(procurement, acme_sso), NEWCOMER)
    landed = browser.get(callback, timeout=10)

    assert landed.status_code == 200
    assert urlsplit(landed.url).path == reverse("requisitions:list")
    assert NEWCOMER in landed.text  # "Log out sso@acme.example"
    user = get_user_model().objects.get(email=NEWCOMER)
    assert (user.first_name, user.last_name) == ("Sam", "Sso")
    assert not user.has_usable_password()
    membership = Membership.objects.get(user=user)
    assert membership.organisation == acme_sso.organisation
    assert (membership.is_approver, membership.is_admin) == (False, False)
    assert Identity.objects.get(user=user).subject == NEWCOMER


def test_groups_from_the_provider_make_approvers(procurement: LiveASGIServer, op: OpenID) -> None:
    provider = op.configure(
        Organisation.objects.get(),
        procurement,
        domains="acme.example",
        groups_claim="groups",
        approver_groups="Purchasing-Approvers",
    )
    browser = requests.Session()
    browser.get(at_provider(browser, start(procurement, provider), "boss@acme.example"), timeout=10)
    assert Membership.objects.get(user__email="boss@acme.example").is_approver


def test_an_existing_member_is_linked_by_email_within_the_organisation(
    procurement: LiveASGIServer, acme_sso: IdentityProvider
) -> None:
    browser = requests.Session()
    browser.get(at_provider(browser, start(procurement, acme_sso), demo.PUNCHIN_BUYER), timeout=10)
    buyer = get_user_model().objects.get(email=demo.PUNCHIN_BUYER)
    assert Identity.objects.get(provider=acme_sso).user == buyer
    assert get_user_model().objects.filter(email=demo.PUNCHIN_BUYER).count() == 1


def test_punch_in_lands_through_the_provider_on_the_requisition(
    procurement: LiveASGIServer, storefront: FakeStorefront, acme_sso: IdentityProvider
) -> None:
    answer, _ = punch_in(procurement, storefront, email=NEWCOMER)
    start_page = start_page_of(answer)
    flags = parse_qs(urlsplit(start_page).query)
    assert flags["requiresAuthBySSO"] == ["1"]
    assert flags["requiresAuthByCredentials"] == ["0"]
    assert flags["buyerExists"] == ["0"]  # first time: created at sign-in

    browser = requests.Session()
    callback = at_provider(browser, start_page, NEWCOMER)
    landed = browser.get(callback, timeout=10)

    requisition = Requisition.objects.get()
    assert landed.status_code == 200
    assert urlsplit(landed.url).path == reverse("requisitions:detail", args=[requisition.number])
    assert requisition.requester == get_user_model().objects.get(email=NEWCOMER)


def test_a_member_with_a_password_may_choose_at_the_landing(
    procurement: LiveASGIServer, storefront: FakeStorefront, acme_sso: IdentityProvider
) -> None:
    answer, _ = punch_in(procurement, storefront)  # buyer@acme.example has a password
    start_page = start_page_of(answer)
    assert "requiresAuthByCredentials=1&requiresAuthBySSO=1" in start_page
    page = requests.get(start_page, timeout=10)
    assert page.status_code == 200
    assert urlsplit(page.url).path == urlsplit(start_page).path  # not sent away
    assert f"Sign in with {acme_sso.label}" in page.text
    assert 'name="password"' in page.text


def test_organisations_without_sso_keep_requires_auth_by_credentials(
    procurement: LiveASGIServer, storefront: FakeStorefront
) -> None:
    answer, _ = punch_in(procurement, storefront)
    assert b"requiresAuthByCredentials=1&amp;requiresAuthBySSO=0" in answer.body


def test_a_tampered_state_is_refused_with_a_clear_page(
    procurement: LiveASGIServer, acme_sso: IdentityProvider
) -> None:
    browser = requests.Session()
    callback = urlsplit(at_provider(browser, start(procurement, acme_sso), NEWCOMER))
    query = parse_qs(callback.query)
    query["state"] = [query["state"][0][:-2] + "xx"]
    forged = urlunsplit(callback._replace(query=urlencode(query, doseq=True)))

    page = browser.get(forged, timeout=10)
    assert page.status_code == 400
    assert "does not belong to a sign-in started in this browser" in page.text
    assert "Traceback" not in page.text
    assert not get_user_model().objects.filter(email=NEWCOMER).exists()


def test_a_callback_from_another_browser_is_refused(
    procurement: LiveASGIServer, acme_sso: IdentityProvider
) -> None:
    """Login CSRF: the attacker's own code and state, fed to the victim's browser."""
    attacker = requests.Session()
    callback = at_provider(attacker, start(procurement, acme_sso), NEWCOMER)
    victim = requests.Session()
    victim.get(f"{procurement.url}/accounts/login/", timeout=10)
    page = victim.get(callback, timeout=10)
    assert page.status_code == 400
    assert "started in this browser" in page.text


def test_a_replayed_callback_is_refused(
    procurement: LiveASGIServer, acme_sso: IdentityProvider
) -> None:
    browser = requests.Session()
    callback = at_provider(browser, start(procurement, acme_sso), NEWCOMER)
    assert browser.get(callback, timeout=10).status_code == 200
    browser.post(f"{procurement.url}/accounts/logout/", timeout=10)  # CSRF: not logged out
    fresh = requests.Session()
    fresh.cookies.update(browser.cookies)
    again = fresh.get(callback, timeout=10)
    assert again.status_code == 400


def test_next_elsewhere_is_not_followed(
    procurement: LiveASGIServer, acme_sso: IdentityProvider
) -> None:
    browser = requests.Session()
    for target in ("https://evil.example/", "//evil.example/x", "/\\evil.example"):
        url = start(procurement, acme_sso, target)
        landed = browser.get(at_provider(browser, url, NEWCOMER), timeout=10)
        assert urlsplit(landed.url).netloc == urlsplit(procurement.url).netloc, target
        assert urlsplit(landed.url).path == reverse("requisitions:list")
        browser.cookies.clear()


def test_an_id_token_for_another_client_is_refused(
    procurement: LiveASGIServer, acme_sso: IdentityProvider, monkeypatch: Any
) -> None:
    """Audience: a provider that mints the token for someone else."""
    real = _OpenIDCode.get_client_claims
    monkeypatch.setattr(
        _OpenIDCode,
        "get_client_claims",
        lambda self, client: {**real(self, client), "aud": ["someone-else"]},
    )
    browser = requests.Session()
    page = browser.get(at_provider(browser, start(procurement, acme_sso), NEWCOMER), timeout=10)
    assert page.status_code == 400
    assert "failed its checks" in page.text
    assert not get_user_model().objects.filter(email=NEWCOMER).exists()


def test_an_id_token_signed_with_another_key_is_refused(
    procurement: LiveASGIServer, acme_sso: IdentityProvider, op: OpenID, monkeypatch: Any
) -> None:
    """Signature: the published JWKS does not hold the key that signed the token."""
    from joserfc.jwk import RSAKey

    published = op.provider.jwks()
    monkeypatch.setattr(op.provider, "jwks", lambda: published)
    op.provider.key = RSAKey.generate_key(2048, parameters={"kid": published["keys"][0]["kid"]})
    browser = requests.Session()
    page = browser.get(at_provider(browser, start(procurement, acme_sso), NEWCOMER), timeout=10)
    assert page.status_code == 400
    assert "failed its checks" in page.text


def test_a_provider_that_names_another_issuer_is_refused(
    procurement: LiveASGIServer, acme_sso: IdentityProvider, op: OpenID
) -> None:
    browser = requests.Session()
    callback = at_provider(browser, start(procurement, acme_sso), NEWCOMER)
    op.provider.issuer = "http://127.0.0.1:9/impostor"
    page = browser.get(callback, timeout=10)
    assert page.status_code == 400
    assert "not the configured issuer" in page.text


def test_another_organisations_provider_cannot_land_its_user_here(
    procurement: LiveASGIServer, storefront: FakeStorefront, acme_sso: IdentityProvider
) -> None:
    """Globex signs in at its own provider; its member opens Acme's StartPage link."""
    globex = Organisation.objects.create(name="Globex")
    with openid_provider([Account(GLOBEX_USER, PASSWORD, "Carol", "Globex")]) as globex_op:
        globex_sso = globex_op.configure(
            globex, procurement, domains="globex.example", client_id="globex"
        )
        answer, _ = punch_in(procurement, storefront)  # a cart for Acme's buyer
        landing = urlsplit(start_page_of(answer)).path

        browser = requests.Session()
        callback = at_provider(browser, start(procurement, globex_sso, landing), GLOBEX_USER)
        page = browser.get(callback, timeout=10)

    assert page.status_code == 403
    assert "not a member of Acme Corporation" in page.text
    assert Requisition.objects.get().requester.email == demo.PUNCHIN_BUYER  # type: ignore[union-attr]
    assert Membership.objects.get(user__email=GLOBEX_USER).organisation == globex


def test_a_provider_cannot_vouch_for_another_organisations_domain(
    procurement: LiveASGIServer, acme_sso: IdentityProvider
) -> None:
    """Globex's provider claims an Acme address: refused, nobody is signed in."""
    globex = Organisation.objects.create(name="Globex")
    with openid_provider([Account(demo.PUNCHIN_BUYER, PASSWORD)]) as rogue:
        globex_sso = rogue.configure(globex, procurement, domains="globex.example", client_id="g")
        browser = requests.Session()
        page = browser.get(at_provider(browser, start(procurement, globex_sso), demo.PUNCHIN_BUYER))
    assert page.status_code == 400
    assert "signs in people of globex.example only" in page.text
    assert not Identity.objects.exists()
    assert "_auth_user_id" not in browser.cookies.get_dict()
