"""Each role sees what it can use, in Chromium at 1280 and 390 px: after signing in,
the navigation holds exactly that role's entries (none of the others), the role's own
page opens from it, and a page of another role answers with a 403 in the site's layout
that says whose page it is and leads back. Screenshots of each role's navigation and
of the refusal go to docs/screenshots with PUNCHIN_SCREENSHOTS=1."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from playwright.sync_api import Browser, Page, expect

from punchin.web import demo as logins
from tests.e2e.conftest import DESKTOP, PHONE, Sites, open_context, screenshot
from tests.e2e.steps import log_in_to_procurement, sign_in

REQUESTER = ["nav-requisitions", "nav-shop", "nav-orders"]
SHOPPER = ["nav-account", "nav-orders", "nav-cart"]


@dataclass(frozen=True, slots=True)
class Journey:
    party: str  # "procurement" or "storefront"
    role: str  # for the test's id and the screenshot's name
    email: str
    navigation: list[str]  # the entries' ids, in order: exactly these are shown
    uses: str  # the id of the entry to open ...
    heading: str  # ... and the heading of its page
    refused: str  # a path of another role's page ...
    because: str  # ... and words of its refusal
    landing: str  # the heading the 403's way back leads to


JOURNEYS = [
    Journey(
        "procurement", "requester", logins.PUNCHIN_BUYER, REQUESTER,
        "nav-shop", "Shop at suppliers",
        "/approvals/policy/", "managed by your organisation's procurement admins",
        "My requisitions",
    ),
    Journey(
        "procurement", "approver", logins.APPROVER,
        [*REQUESTER[:2], "nav-approvals", REQUESTER[2]],
        "nav-approvals", "Waiting for your approval",
        "/spend/", "for your organisation's finance team and procurement admins",
        "My requisitions",
    ),
    Journey(
        "procurement", "finance", logins.FINANCE,
        [*REQUESTER, "nav-reconciliation", "nav-spend"],
        "nav-spend", "Spend of Acme Corporation",
        "/partners/", "managed by your organisation's procurement admins",
        "My requisitions",
    ),
    Journey(
        "procurement", "receiving-desk", logins.RECEIVING_DESK, REQUESTER,
        "nav-orders", "Purchase orders",
        "/approvals/", "The approval queue is for approvers",
        "My requisitions",
    ),
    Journey(
        "procurement", "procurement-admin", logins.PROCUREMENT_ADMIN,
        [
            *REQUESTER[:2], "nav-approvals", REQUESTER[2], "nav-reconciliation", "nav-spend",
            "nav-partners", "nav-punchout-catalogs", "nav-policy", "nav-sso",
            "nav-deliveries", "nav-admin",
        ],
        "nav-policy", "Buying policy of Acme Corporation",
        "/no-such-page/", "There is no page at this address",
        "My requisitions",
    ),
    Journey(
        "storefront", "punch-in-buyer", logins.PUNCHIN_BUYER, SHOPPER,
        "nav-orders", "Order history",
        "/staff/orders/", "These pages are for the store's staff.",
        "Supplies for your business",
    ),
    Journey(
        "storefront", "direct-buyer", logins.DIRECT_BUYER, SHOPPER,
        "nav-cart", "Your cart",
        "/account/business-settings/", "Only account admins change the Business Settings.",
        "Supplies for your business",
    ),
    Journey(
        "storefront", "account-admin", logins.STORE_ADMIN,
        ["nav-account", "nav-orders", "nav-settings", "nav-cart"],
        "nav-settings", "Business Settings",
        "/staff/orders/", "These pages are for the store's staff.",
        "Supplies for your business",
    ),
    Journey(
        "storefront", "fulfilment-staff", logins.FULFILMENT_STAFF,
        ["nav-staff-orders", "nav-deliveries"],
        "nav-staff-orders", "Orders",
        "/cart/", "These pages are for the members of a business account",
        "Orders",
    ),
    Journey(
        "storefront", "store-staff-admin", logins.STORE_STAFF_ADMIN,
        ["nav-staff-orders", "nav-deliveries", "nav-admin"],
        "nav-admin", "Catalog, business accounts and orders",
        "/account/", "These pages are for the members of a business account",
        "Orders",
    ),
]  # fmt: skip


def signed_in(page: Page, sites: Sites, journey: Journey) -> str:
    if journey.party == "procurement":
        log_in_to_procurement(page, sites, journey.email)
        return sites.procurement.url
    sign_in(page, sites, journey.email)
    return sites.storefront.url


def navigation(page: Page) -> list[str]:
    links = page.locator("header nav a[id^='nav-']")
    for i in range(links.count()):
        expect(links.nth(i)).to_be_visible()
    return [links.nth(i).get_attribute("id") or "" for i in range(links.count())]


def fits(page: Page) -> bool:
    return bool(
        page.evaluate(
            "document.documentElement.scrollWidth <= document.documentElement.clientWidth"
        )
    )


@pytest.mark.parametrize("size", ["desktop", "phone"])
@pytest.mark.parametrize("journey", JOURNEYS, ids=lambda j: f"{j.party}-{j.role}")
def test_each_role_sees_what_it_can_use(
    browser: Browser, sites: Sites, journey: Journey, size: str
) -> None:
    phone = size == "phone"
    context = open_context(
        browser, viewport=PHONE if phone else DESKTOP, is_mobile=phone, has_touch=phone
    )
    try:
        page = context.new_page()
        site = signed_in(page, sites, journey)
        assert navigation(page) == journey.navigation
        assert fits(page), "the page scrolls sideways"
        name = f"{journey.party}-{journey.role}" + ("-phone" if phone else "")
        screenshot(page, f"roles-{name}")

        page.locator(f"header nav #{journey.uses}").click()
        expect(page.locator("h1").first).to_have_text(journey.heading)

        answer = page.goto(f"{site}{journey.refused}")
        assert answer is not None
        expected = 404 if journey.refused == "/no-such-page/" else 403
        assert answer.status == expected
        expect(page.locator(f"#error-page[data-status='{expected}']")).to_be_visible()
        expect(page.locator("#error-text")).to_contain_text(journey.because)
        assert navigation(page) == journey.navigation  # their own navigation around it
        assert fits(page), "the error page scrolls sideways"
        screenshot(page, f"roles-{name}-refused")
        page.locator("#error-home").click()
        expect(page.locator("h1").first).to_have_text(journey.landing)
    finally:
        context.close()
