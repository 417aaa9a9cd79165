"""Both parties' pages under their Content-Security-Policy in a real Chromium
(docs/security.md row 23).

Every e2e test already fails on a refusal (``no_policy_refusals`` in conftest); this
one walks the pages the other tests may not (each party's lists, settings, admin and
deliveries), and first proves that Chromium enforces the policy and that its refusals
are seen: a script injected inline into a served page does not run.
"""

from __future__ import annotations

from playwright.sync_api import Browser, Page, expect

from punchin.web import demo as logins
from tests.e2e.conftest import Sites
from tests.e2e.steps import (
    log_in_to_procurement,
    new_user,
    search,
    sign_in,
)

# (who signs in, the pages they open), as each sees them.
STOREFRONT = (
    (
        logins.STORE_ADMIN,
        ("/", "/search?q=toner", "/cart/", "/orders/", "/account/", "/account/business-settings/"),
    ),
    (logins.FULFILMENT_STAFF, ("/staff/orders/", "/deliveries/", "/admin/")),
    (logins.STORE_STAFF_ADMIN, ("/staff/orders/", "/admin/", "/admin/documents/cxmldocument/")),
)
PROCUREMENT = (
    "/requisitions/",
    "/approvals/",
    "/approvals/policy/",
    "/orders/",
    "/orders/reconciliation/",
    "/spend/",
    "/partners/",
    "/deliveries/",
    "/admin/",
)


def _open(page: Page, url: str) -> None:
    answer = page.goto(url)
    assert answer is not None
    assert (answer.status, page.url) == (200, url)
    assert "default-src 'self'" in answer.headers["content-security-policy"]


def test_an_injected_inline_script_is_refused_and_seen(
    page: Page, sites: Sites, no_policy_refusals: list[str]
) -> None:
    """As a stored script would arrive: an inline ``<script>`` element in the page."""
    page.goto(f"{sites.storefront.url}/accounts/login/")
    inject = """() => {
        const script = document.createElement("script");
        script.textContent = "window.injected = true;";
        document.head.appendChild(script);
    }"""
    with page.expect_console_message(lambda m: "Content Security Policy" in m.text) as seen:
        page.evaluate(inject)
    assert "inline script" in seen.value.text
    assert page.evaluate("window.injected === undefined")
    assert any("inline script" in r for r in no_policy_refusals)
    no_policy_refusals.clear()  # expected here; any other refusal fails the test


def test_the_key_pages_of_both_parties_break_no_policy_rule(
    page: Page, browser: Browser, sites: Sites
) -> None:
    for email, paths in STOREFRONT:
        visitor = new_user(browser).new_page()
        sign_in(visitor, sites, email)
        for path in paths:
            _open(visitor, sites.storefront.url + path)
        visitor.context.close()
    # A product page (adding to the cart is the journey's: the carts are shared state).
    sign_in(page, sites, logins.PUNCHIN_BUYER)
    search(page, "toner")
    page.locator("#results .product-card h3 a").first.click()
    expect(page.locator("#product")).to_be_visible()

    log_in_to_procurement(page, sites, logins.PROCUREMENT_ADMIN)
    for path in PROCUREMENT:
        _open(page, sites.procurement.url + path)
    page.goto(f"{sites.procurement.url}/partners/")
    page.get_by_role("link", name="Integration health").first.click()
    expect(page.locator("h1")).to_contain_text("Integration health")
