"""The demo's single sign-on journey: Acme's SSO user punches in from the storefront,
signs in at the demo's OpenID provider (its own process, as ``punchin demo`` runs it)
and lands on the requisition; procurement never asks them for a password."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from punchin.web import demo as logins
from tests.e2e.conftest import Sites, screenshot
from tests.e2e.steps import add_from_results, check_out, search, sign_in


def test_sso_user_punches_in_through_the_identity_provider(page: Page, sites: Sites) -> None:
    sign_in(page, sites, logins.SSO_BUYER)
    search(page, "toner")
    seen = add_from_results(page, sites)
    check_out(page, "Procurement buyers")
    page.click("#place-order")

    # The StartPage sends this buyer, who has no password at procurement, to Acme's
    # identity provider rather than to procurement's login form.
    page.wait_for_url(f"{sites.idp.url}/authorize**")
    expect(
        page.get_by_role("heading", name="Acme sign-in (demo identity provider)")
    ).to_be_visible()
    screenshot(page, "45-sso-identity-provider")
    page.get_by_label("Email").fill(logins.SSO_BUYER)
    page.get_by_label("Password").fill(logins.PASSWORD)
    page.get_by_role("button", name="Sign in").click()

    page.wait_for_url(f"{sites.procurement.url}/requisitions/*/")
    expect(page.locator("h1")).to_contain_text("Draft")
    expect(page.get_by_role("button", name=f"Log out {logins.SSO_BUYER}")).to_be_visible()
    expect(page.locator("body")).to_contain_text(seen.part_id)
    screenshot(page, "46-sso-requisition")


def test_the_login_page_signs_in_through_the_organisation(page: Page, sites: Sites) -> None:
    """Procurement's login page offers "Sign in with your organisation" beside passwords."""
    page.goto(f"{sites.procurement.url}/accounts/login/")
    page.get_by_label("Work email").fill(logins.SSO_BUYER)
    screenshot(page, "47-sso-login-page")
    page.get_by_role("button", name="Continue with my organisation").click()
    page.wait_for_url(f"{sites.idp.url}/authorize**")
    page.get_by_label("Email").fill(logins.SSO_BUYER)
    page.get_by_label("Password").fill(logins.PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("button", name=f"Log out {logins.SSO_BUYER}")).to_be_visible()
