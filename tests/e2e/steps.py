"""Browser steps the end-to-end journeys share: what a user does on each party's pages.

Expected values are read from the pages as the user sees them, so the tests check that
data arrives intact, not that the seed has particular prices.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from playwright.sync_api import Browser, BrowserContext, Page, expect

from punchin.web import demo as logins
from tests.e2e.conftest import DESKTOP, Sites, open_context, screenshot

MONEY = re.compile(r"\$?(\d[\d,]*\.\d{2})")


def money(text: str) -> Decimal:
    """The first amount in ``text`` ("$79.99 USD / EA" -> Decimal("79.99"))."""
    found = MONEY.search(text)
    assert found, f"no amount in {text!r}"
    return Decimal(found.group(1).replace(",", ""))


@dataclass(frozen=True, slots=True)
class Seen:
    """A cart line as the storefront showed it to the buyer."""

    part_id: str
    # The product's one name (its title) and its description (docs/product-names.md).
    name: str
    description: str
    unit_price: Decimal
    quantity: int


def sign_in(page: Page, sites: Sites, email: str) -> None:
    """P1: password sign-in on the storefront."""
    page.goto(f"{sites.storefront.url}/accounts/login/")
    page.fill("#id_username", email)
    page.fill("#id_password", logins.PASSWORD)
    page.click("#signin-submit")
    expect(page.locator("#nav-signout")).to_be_visible()


def log_in_to_procurement(page: Page, sites: Sites, email: str) -> None:
    page.goto(f"{sites.procurement.url}/accounts/login/")
    page.fill("#id_username", email)
    page.fill("#id_password", logins.PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("button", name=f"Log out {email}")).to_be_visible()


def new_user(browser: Browser) -> BrowserContext:
    """Another person at another computer: a browser profile of their own."""
    return open_context(browser, viewport=DESKTOP)


def search(page: Page, words: str) -> None:
    page.fill("#search-q", words)
    page.click("#search-submit")
    expect(page.locator("#results .product-card").first).to_be_visible()


def add_from_product_page(page: Page, quantity: int) -> Seen:
    """Open the first search result, set the quantity, add it (P2)."""
    page.locator("#results .product-card h3 a").first.click()
    product = page.locator("#product")
    expect(product).to_be_visible()
    seen = Seen(
        part_id=page.inner_text("#supplier-part-id"),
        name=product.locator("h1").inner_text(),
        description=product.locator("h1 + .price + p").inner_text(),
        unit_price=money(page.inner_text("#product-price")),
        quantity=quantity,
    )
    page.fill("#product .qty", str(quantity))
    button = page.locator("#product .add-button")
    expect(button).to_have_text("Add to Cart")  # P2: US marketplace
    button.click()
    return seen


def add_from_results(page: Page, sites: Sites) -> Seen:
    """Add the first search result straight from its card (quantity 1)."""
    card = page.locator("#results .product-card").first
    part_id = card.get_attribute("data-part")
    assert part_id
    unit_price = money(card.locator(".price").inner_text())
    button = card.locator(".add-button")
    expect(button).to_have_text("Add to Cart")  # P2
    button.click()
    expect(page.locator(".messages .success")).to_contain_text("added to your cart")
    # The card shows the name; the POOM describes the line with the product's text.
    detail = page.context.new_page()
    detail.goto(f"{sites.storefront.url}/products/{part_id}")
    name = detail.locator("#product h1").inner_text()
    description = detail.locator("#product h1 + .price + p").inner_text()
    detail.close()
    return Seen(
        part_id=part_id, name=name, description=description, unit_price=unit_price, quantity=1
    )


@dataclass(frozen=True, slots=True)
class Destination:
    """A delivery address as the buyer types it at checkout (P41)."""

    company: str
    attention: str
    street: str
    city: str
    state: str
    postal_code: str
    country: str  # ISO 3166 code, the select's value


DOCK = Destination(
    "Acme Corporation", "Receiving dock 3", "100 Main Street", "Springfield", "IL", "62701", "US"
)


def fill_address(page: Page, where: Destination) -> None:
    page.fill("#id_ship_name", where.company)
    page.fill("#id_deliver_to", where.attention)
    page.fill("#id_street", where.street)
    page.fill("#id_city", where.city)
    page.fill("#id_state", where.state)
    page.fill("#id_postal_code", where.postal_code)
    page.select_option("#id_country", value=where.country)


def check_out(page: Page, group: str, shot: str | None = None, *, speed: str = "two-day") -> None:
    """P3: group, delivery address, payment method, delivery speed (the filled-in form
    is photographed as ``shot``)."""
    page.click("#nav-cart")
    page.click("#proceed-to-checkout")
    page.locator("#id_group label", has_text=group).click()
    fill_address(page, DOCK)
    payment = "po" if "Procurement" in group else "invoice"
    page.check(f"#id_payment_method input[value={payment}]")
    page.check(f"#id_delivery_speed input[value={speed}]")
    if shot:
        screenshot(page, shot)
    page.click("#checkout-continue")
    expect(page.locator("#checkout-summary")).to_be_visible()


def log_in_on_landing(page: Page, sites: Sites) -> str:
    """P7: on procurement's StartPage the buyer logs in and sees the requisition.

    Returns the requisition's number.
    """
    page.wait_for_url(f"{sites.procurement.url}/punchin/land/**")
    expect(page.locator("h1")).to_contain_text("has arrived")
    expect(page.locator("#id_username")).to_have_value(logins.PUNCHIN_BUYER)
    page.fill("#id_password", logins.PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(f"{sites.procurement.url}/requisitions/*/")
    expect(page.locator("h1")).to_contain_text("Draft")
    return page.url.rstrip("/").rsplit("/", 1)[-1]


def punch_in(
    page: Page, sites: Sites, *wanted: tuple[str, int], speed: str = "two-day"
) -> tuple[list[Seen], str]:
    """The Punch-in in one step: for each (search words, quantity) the buyer adds the
    first product found, then submits the cart for approval (P3-P6) and logs in on
    procurement's StartPage (P7). Returns the lines as seen and the requisition number."""
    sign_in(page, sites, logins.PUNCHIN_BUYER)
    seen = []
    for words, quantity in wanted:
        search(page, words)
        seen.append(add_from_product_page(page, quantity))
    check_out(page, "Procurement buyers", speed=speed)
    page.click("#place-order")
    return seen, log_in_on_landing(page, sites)


def approve_in_procurement(page: Page, browser: Browser, sites: Sites, number: str) -> str:
    """The buyer submits requisition ``number`` (on ``page``), the approver approves it
    at another computer; returns the purchase order's number once the store has
    acknowledged its OrderRequest."""
    page.fill("#id_cost_centre", "CC-4100 Facilities")
    page.fill("#id_gl_account", "6420 Office supplies")
    page.get_by_role("button", name="Submit requisition").click()
    expect(page.locator("#requisition-status")).to_have_text("Submitted for approval")
    context = new_user(browser)
    approver = context.new_page()
    log_in_to_procurement(approver, sites, logins.APPROVER)
    approver.goto(f"{sites.procurement.url}/approvals/{number}/")
    approver.fill("#id_comment", "Approved.")
    approver.click("#approve")
    expect(approver.locator(".messages")).to_contain_text("approved")
    context.close()
    eventually(
        page,
        f"{sites.procurement.url}/requisitions/{number}/",
        lambda: page.locator("#purchase-order").count() == 1,
        "the purchase order on the requisition",
    )
    po_number = page.inner_text("#purchase-order")
    eventually(
        page,
        f"{sites.procurement.url}/orders/{po_number}/",
        lambda: "Acknowledged" in page.inner_text("#po-state"),
        "the supplier's acknowledgement of the OrderRequest",
    )
    return po_number


def eventually(
    page: Page, url: str, check: Callable[[], bool], what: str, timeout: float = 20.0
) -> None:
    """Reload ``url`` until ``check()`` holds: the parties' workers deliver in the
    background (they poll every 0.5 s), so a page shows the news a moment later."""
    deadline = time.monotonic() + timeout
    while True:
        page.goto(url)
        if check():
            return
        if time.monotonic() > deadline:
            raise AssertionError(f"{what}: not seen on {url} within {timeout:.0f} s")
        page.wait_for_timeout(300)
