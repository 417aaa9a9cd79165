"""The Punch-in journey in a real Chromium against both parties as real servers.

A buyer signs in to the storefront (P1), searches and adds two products (P2), checks
out (P3) and submits the cart for approval; the storefront POSTs the
PunchOutSetupRequest (P4), procurement fetches the POOM from the PoomUrl (P5) and
answers a StartPage (P6, P22), the browser lands there (P7), the buyer logs in and
sees the requisition with the lines and the total the storefront showed.

Expected values are read from the storefront's own pages as the buyer sees them, so
the test checks that the cart arrives intact, not that the seed has particular
prices. Set PUNCHIN_SCREENSHOTS=1 to refresh docs/screenshots.
"""

from __future__ import annotations

import re
from decimal import Decimal

from playwright.sync_api import Page, Route, expect

from punchin.web import demo as logins
from tests.e2e.conftest import PHONE, Sites, screenshot
from tests.e2e.steps import (
    add_from_product_page,
    add_from_results,
    check_out,
    money,
    search,
    sign_in,
)


def test_punchin_journey_lands_the_cart_as_a_requisition(page: Page, sites: Sites) -> None:
    sign_in(page, sites, logins.PUNCHIN_BUYER)
    # P11: the account's purchasing system is configured, and the pages say so.
    expect(page.locator("#punchin-banner")).to_contain_text("configured for Punch-in")
    expect(page.locator("#cart-count")).to_have_text("0")

    search(page, "toner")
    screenshot(page, "01-search-results")
    toner = add_from_product_page(page, quantity=3)
    screenshot(page, "02-product")
    search(page, "nitrile gloves")
    gloves = add_from_results(page, sites)
    assert toner.part_id != gloves.part_id
    expect(page.locator("#cart-count")).to_have_text(str(toner.quantity + gloves.quantity))

    page.click("#nav-cart")
    expected_total = sum((s.unit_price * s.quantity for s in (toner, gloves)), Decimal())
    assert money(page.inner_text("#cart-total")) == expected_total
    screenshot(page, "03-cart")

    check_out(page, "Procurement buyers", shot="04-checkout")
    submit = page.locator("#place-order")
    expect(submit).to_have_text("Submit order for approval")  # P3
    screenshot(page, "05-review")
    tax = money(page.inner_text("#review-tax"))  # the store's estimate

    # Hold the first attempt for a moment so the "sending" state can be seen (and
    # photographed); the page's script then drives the PunchOutSetupRequest.
    held: list[Route] = []

    def hold(route: Route) -> None:
        held.append(route)

    page.route("**/attempt", hold)
    submit.click()
    page.wait_for_url(re.compile(r"/punchin/submissions/\d+$"))
    expect(page.locator("#submission-message")).to_have_text("Sending to your purchasing system…")
    for _ in range(100):  # the handler runs while Playwright waits
        if held:
            break
        page.wait_for_timeout(50)
    assert held, "the page never sent its attempt"
    screenshot(page, "06-sending")
    held[0].continue_()
    page.unroute("**/attempt", hold)

    # P7: the StartPage of procurement (P22), where the buyer logs in.
    page.wait_for_url(f"{sites.procurement.url}/punchin/land/**")
    expect(page.locator("h1")).to_contain_text("has arrived")
    expect(page.locator("#id_username")).to_have_value(logins.PUNCHIN_BUYER)
    screenshot(page, "07-procurement-landing")
    page.fill("#id_password", logins.PASSWORD)
    page.get_by_role("button", name="Log in").click()

    page.wait_for_url(f"{sites.procurement.url}/requisitions/*/")
    expect(page.locator("h1")).to_contain_text("Draft")
    rows = page.locator("table.lines tbody tr")
    expect(rows).to_have_count(2)
    for number, seen in enumerate((toner, gloves), start=1):
        row = rows.nth(number - 1)
        assert row.locator('[data-label="Line"]').inner_text() == str(number)
        assert row.locator('[data-label="Part"] code').inner_text() == seen.part_id
        # One name for one product: the store's title, its description below it.
        assert row.locator('[data-label="Item"] .item-name').inner_text() == seen.name
        assert seen.description in row.locator('[data-label="Item"]').inner_text()
        assert row.locator('[data-label="Quantity"]').inner_text() == str(seen.quantity)
        assert money(row.locator('[data-label="Unit price"]').inner_text()) == seen.unit_price
        assert money(row.locator('[data-label="Line total"]').inner_text()) == (
            seen.unit_price * seen.quantity
        )
    wrap = page.locator(".table-wrap").filter(has=page.locator("table.lines"))
    assert wrap.evaluate("e => e.scrollWidth <= e.clientWidth"), "the lines scroll sideways"
    total = page.locator("#lines-total").inner_text()
    assert money(total) == expected_total
    assert total.endswith("USD")
    # P41: the delivery chosen at checkout (two-day) is in what the order will cost.
    shipping = money(page.inner_text("#shipping-total"))
    assert shipping == money(page.inner_text("#delivery-speed"))
    assert money(page.inner_text("#tax-total")) == tax
    assert money(page.inner_text("#grand-total")) == expected_total + shipping + tax
    expect(page.locator("dl.facts")).to_contain_text(logins.STORE_NAME)
    screenshot(page, "08-requisition")

    # Back on the storefront: the submission is in the order history, accepted.
    page.goto(f"{sites.storefront.url}/orders/")
    submission = page.locator("#punchin-submissions .submission").first
    expect(submission.locator("h3 .state")).to_have_class(re.compile(r"\baccepted\b"))
    expect(submission.locator(".attempts tbody tr")).to_have_count(1)
    expect(submission.locator(".attempts tbody tr td").nth(3)).to_contain_text("200")
    expect(page.locator("#cart-count")).to_have_text("0")
    screenshot(page, "09-order-history")


def test_direct_buyer_places_the_order(page: Page, sites: Sites) -> None:
    """P3, P12: a Direct Website group gets "Place order" and the order is placed here."""
    sign_in(page, sites, logins.DIRECT_BUYER)
    search(page, "stapler")
    bought = add_from_results(page, sites)
    check_out(page, "Direct buyers")
    place = page.locator("#place-order")
    expect(place).to_have_text("Place order")
    place.click()
    page.wait_for_url(re.compile(r"/orders/\d+$"))
    expect(page.locator(".messages .success")).to_have_text("Thank you, your order is placed.")
    expect(page.locator("main table tbody tr")).to_have_count(1)
    delivery = money(page.inner_text("#order-shipping"))
    assert delivery > 0  # two-day is not free
    tax = money(page.inner_text("#order-tax"))  # the store's estimate, kept
    assert money(page.inner_text("main .total")) == bought.unit_price + delivery + tax
    expect(page.locator("main table tbody")).to_contain_text(bought.part_id)


def test_account_admin_finds_configure_purchasing_system(page: Page, sites: Sites) -> None:
    """P9: Account > Business Settings > Systems integrations > "Configure Purchasing System"."""
    sign_in(page, sites, logins.STORE_ADMIN)
    page.click("#nav-account")
    page.locator("main").get_by_role("link", name="Business Settings").click()
    expect(page.locator("#systems-integrations h2")).to_have_text("Systems integrations")
    page.click("#configure-purchasing-system")
    expect(page.locator("h1")).to_have_text("Configure Purchasing System")
    endpoint = page.locator("#id_endpoint_url")
    expect(endpoint).to_have_value(f"{sites.procurement.url}/cxml/punchin")
    # The demo runs in development mode, where plain http to this machine is allowed:
    # the hint beside the http URL says so rather than demanding https.
    expect(page.locator("#endpoint-hint")).to_contain_text("plain http to this machine")
    screenshot(page, "10-configure-purchasing-system")
    assert_only_the_chosen_schemes_fields(page)


def assert_only_the_chosen_schemes_fields(page: Page) -> None:
    """P10: the fields of the chosen authentication scheme, and only those."""
    fields = {
        "basic": ("#id_basic_user", "#id_basic_password"),
        "bearer": ("#id_bearer_token",),
        "certificate": ("#id_client_certificate", "#id_client_key"),
    }
    for scheme in ("bearer", "certificate", "basic"):
        page.check(f'input[name=auth_scheme][value="{scheme}"]')
        for owner, selectors in fields.items():
            for selector in selectors:
                if owner == scheme:
                    expect(page.locator(selector)).to_be_visible()
                else:
                    expect(page.locator(selector)).to_be_hidden()


def test_configure_purchasing_system_on_a_phone(phone_page: Page, sites: Sites) -> None:
    """The account admin can set the purchasing system up from a phone."""
    page = phone_page
    sign_in(page, sites, logins.STORE_ADMIN)
    page.goto(f"{sites.storefront.url}/account/business-settings/systems-integrations/")
    assert_fits(page)
    assert_only_the_chosen_schemes_fields(page)


def test_phone_sized_sign_in_and_search_fit_the_screen(phone_page: Page, sites: Sites) -> None:
    """P1: the buyer can sign in and search on a phone; nothing scrolls sideways."""
    page = phone_page
    page.goto(f"{sites.storefront.url}/accounts/login/")
    assert_fits(page)
    sign_in(page, sites, logins.PUNCHIN_BUYER)
    search(page, "paper")
    assert_fits(page)
    # A card is a row on a phone, not a screenful: three or more products in view.
    heights = page.locator("#results .product-card").evaluate_all(
        "cards => cards.map(card => card.getBoundingClientRect().height)"
    )
    assert len(heights) >= 3
    assert max(heights) < PHONE["height"] / 3, heights
    screenshot(page, "11-phone-search")
    page.locator("#results .product-card h3 a").first.click()
    expect(page.locator("#product")).to_be_visible()
    assert_fits(page)
    # The other party's login, where the buyer lands after a Punch-in (P7).
    page.goto(f"{sites.procurement.url}/accounts/login/")
    expect(page.locator("#id_username")).to_be_visible()
    assert_fits(page)


def assert_fits(page: Page) -> None:
    """Nothing is wider than the phone. Compared with the device width, not
    ``innerWidth``: on a mobile viewport Chromium widens the layout viewport to fit
    wide content, so ``scrollWidth <= innerWidth`` alone would always hold."""
    width, inner = page.evaluate("[document.scrollingElement.scrollWidth, window.innerWidth]")
    assert (width, inner) == (PHONE["width"], PHONE["width"]), (
        f"{page.url} is {width}px wide on a {PHONE['width']}px screen"
    )
