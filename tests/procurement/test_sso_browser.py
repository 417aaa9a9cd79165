"""Single sign-on journeys in Chromium: from a supplier's Punch-in, through the
organisation's identity provider's login form, to the requisition (OpenID Connect and
SAML 2.0), and "Sign in with your organisation" on the login page.

Playwright's sync API registers an event loop on the thread it runs in, which would
make Django refuse the test's own database calls; so the browser runs in a worker
thread and the test thread keeps the database.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, TypeVar

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import Page, expect, sync_playwright

from punchin.idp import Account
from punchin.procurement.accounts.models import Membership, Organisation
from punchin.procurement.requisitions.models import Requisition
from punchin.web.settings_base import content_security_policy
from punchin.web.testing import LiveASGIServer
from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS, DESKTOP
from tests.procurement.conftest import FakeStorefront
from tests.procurement.sso import PASSWORD, OpenID, SamlIdP, openid_provider
from tests.procurement.test_endpoint import punch_in
from tests.procurement.test_sso_oidc import start_page_of

pytestmark = [
    pytest.mark.django_db(transaction=True),
    # The test server runs in this process: WhiteNoise's static files are synchronous
    # iterators, which Django's ASGI handler warns about when the page loads its CSS.
    pytest.mark.filterwarnings("ignore:StreamingHttpResponse must consume synchronous"),
]

T = TypeVar("T")
NEWCOMER = "sso@acme.example"


def in_chromium(journey: Callable[[Page], T]) -> T:
    """Run ``journey`` on a fresh page of a headless Chromium, in a worker thread."""

    def run() -> T:
        with sync_playwright() as driver:
            browser = driver.chromium.launch(
                executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
            )
            try:
                context = browser.new_context(viewport=DESKTOP)
                context.set_default_timeout(15_000)
                return journey(context.new_page())
            finally:
                browser.close()

    if not CHROMIUM.exists():
        pytest.fail(f"no Chromium at {CHROMIUM} (apt-get install chromium)")
    with ThreadPoolExecutor(1) as worker:
        return worker.submit(run).result(timeout=120)


@pytest.fixture(autouse=True)
def development_policy(settings: Any) -> None:
    """The providers here are plain http on loopback, which the Content-Security-Policy
    lets a form be redirected to only in development, as the demo runs."""
    settings.CONTENT_SECURITY_POLICY = content_security_policy(dev=True)


@pytest.fixture
def op() -> Iterator[OpenID]:
    with openid_provider([Account(NEWCOMER, PASSWORD, "Sam", "Sso")]) as provider:
        yield provider


def test_oidc_punch_in_through_the_provider_to_the_requisition(
    procurement: LiveASGIServer, storefront: FakeStorefront, op: OpenID
) -> None:
    op.configure(Organisation.objects.get(), procurement, domains="acme.example")
    answer, _ = punch_in(procurement, storefront, email=NEWCOMER)
    start_page = start_page_of(answer)

    def journey(page: Page) -> str:
        page.goto(start_page)
        expect(page.get_by_role("heading", name="Test sign-in")).to_be_visible()
        page.get_by_label("Email").fill(NEWCOMER)
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        expect(page.get_by_role("heading", name=re.compile("^Requisition REQ-"))).to_be_visible()
        expect(page.get_by_text("cart is now requisition")).to_be_visible()
        return page.url

    landed = in_chromium(journey)
    requisition = Requisition.objects.get()
    assert landed.endswith(f"/requisitions/{requisition.number}/")
    assert requisition.requester == get_user_model().objects.get(email=NEWCOMER)


def test_saml_punch_in_through_the_idp_to_the_requisition(
    procurement: LiveASGIServer, storefront: FakeStorefront, tmp_path: Path
) -> None:
    email = "saml@acme.example"
    with SamlIdP(tmp_path, [Account(email, PASSWORD, "Sal", "Saml")]) as idp:
        idp.configure(Organisation.objects.get(), procurement, domains="acme.example")
        answer, _ = punch_in(procurement, storefront, email=email)
        start_page = start_page_of(answer)

        def journey(page: Page) -> str:
            page.goto(start_page)
            expect(page.get_by_role("heading", name="Test IdP: sign in")).to_be_visible()
            page.get_by_label("Email").fill(email)
            page.get_by_label("Password").fill(PASSWORD)
            page.get_by_role("button", name="Sign in").click()
            # The IdP's page posts the signed Response to our ACS by itself.
            expect(
                page.get_by_role("heading", name=re.compile("^Requisition REQ-"))
            ).to_be_visible()
            return page.url

        landed = in_chromium(journey)
    requisition = Requisition.objects.get()
    assert landed.endswith(f"/requisitions/{requisition.number}/")
    user = get_user_model().objects.get(email=email)
    assert requisition.requester == user
    assert Membership.objects.get(user=user).organisation.name == "Acme Corporation"


def test_sign_in_with_your_organisation_from_the_login_page(
    procurement: LiveASGIServer, op: OpenID
) -> None:
    op.configure(Organisation.objects.get(), procurement, domains="acme.example")

    def journey(page: Page) -> str:
        page.goto(f"{procurement.url}/accounts/login/")
        page.get_by_label("Work email").fill(NEWCOMER)
        page.get_by_role("button", name="Continue with my organisation").click()
        page.get_by_label("Email").fill(NEWCOMER)
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        expect(page.get_by_role("button", name=f"Log out {NEWCOMER}")).to_be_visible()
        return page.url

    assert in_chromium(journey).endswith("/requisitions/")


def test_an_email_without_sso_is_sent_back_to_the_password_form(
    procurement: LiveASGIServer, op: OpenID
) -> None:
    op.configure(Organisation.objects.get(), procurement, domains="acme.example")

    def journey(page: Page) -> None:
        page.goto(f"{procurement.url}/accounts/login/")
        page.get_by_label("Work email").fill("someone@elsewhere.example")
        page.get_by_role("button", name="Continue with my organisation").click()
        expect(page.get_by_text("log in with your password instead")).to_be_visible()

    in_chromium(journey)
