"""What the buyer chooses at checkout reaches procurement and comes back in the order
(docs/protocol.md P41, docs/checkout.md), in a real Chromium between both parties.

The buyer checks out for a laboratory across town with next-day delivery; the
requisition shows that address, the speed with its price and the payment method; the
organisation lets requesters change the address, so the buyer moves it to the loading
bay before submitting; once approved, procurement's OrderRequest carries the changed
ShipTo, the cart's Shipping and the payment method, and the store accepts it and asks
its staff to check the changed address before shipping.

Set PUNCHIN_SCREENSHOTS=1 to refresh docs/screenshots.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from decimal import Decimal

import pytest
from playwright.sync_api import Browser, Page, expect

from punchin.web import demo as logins
from tests.e2e.conftest import PHONE, Sites, open_context, screenshot
from tests.e2e.steps import (
    Destination,
    add_from_product_page,
    eventually,
    fill_address,
    log_in_on_landing,
    log_in_to_procurement,
    money,
    new_user,
    search,
    sign_in,
)

LAB = Destination(
    "Acme Research", "Lab 2, Dr. Vega", "200 Science Park", "Cambridge", "MA", "02139", "US"
)
BAY_STREET = "210 Science Park\nLoading bay"


def set_requesters_change_delivery(page: Page, sites: Sites, allowed: bool) -> None:
    """The procurement admin's buying policy: may requesters change the address?"""
    page.goto(f"{sites.procurement.url}/approvals/policy/")
    box = page.locator("#id_requesters_change_delivery")
    box.set_checked(allowed)
    page.locator("#delivery-setting").get_by_role("button", name="Save").click()
    expect(page.locator("#id_requesters_change_delivery")).to_be_checked(checked=allowed)


@pytest.fixture
def admin(browser: Browser, sites: Sites) -> Iterator[Page]:
    """The procurement admin, who lets requesters change the address for this test
    only: the other journeys see the organisation as the demo seeds it."""
    context = new_user(browser)
    page = context.new_page()
    log_in_to_procurement(page, sites, logins.PROCUREMENT_ADMIN)
    set_requesters_change_delivery(page, sites, True)
    expect(page.locator("#setting-changes")).to_contain_text(
        f"requesters may change the delivery address ({logins.PROCUREMENT_ADMIN})"
    )
    yield page
    set_requesters_change_delivery(page, sites, False)
    context.close()


def test_checkout_delivery_reaches_the_requisition_and_the_order(
    page: Page, browser: Browser, sites: Sites, admin: Page
) -> None:
    procurement, storefront = sites.procurement.url, sites.storefront.url
    sign_in(page, sites, logins.PUNCHIN_BUYER)
    search(page, "toner")
    toner = add_from_product_page(page, quantity=2)
    lines = toner.unit_price * toner.quantity

    # P3, P41: the address, next-day delivery at its price, and the payment method.
    page.click("#nav-cart")
    page.click("#proceed-to-checkout")
    page.locator("#id_group label", has_text="Procurement buyers").click()
    fill_address(page, LAB)
    page.check("#id_payment_method input[value=po]")
    next_day = page.locator("#id_delivery_speed label:has(input[value=next-day])")
    charge = money(next_day.inner_text())
    assert charge > 0
    page.check("#id_delivery_speed input[value=next-day]")
    page.click("#checkout-continue")
    expect(page.locator("#summary-address")).to_contain_text("Cambridge, MA 02139")
    expect(page.locator("#summary-speed")).to_contain_text("Next day")
    # The demo store estimates its sales tax (docs/checkout.md, "Estimates").
    tax = money(page.inner_text("#review-tax"))
    assert money(page.inner_text("#review-total")) == lines + charge + tax
    page.click("#place-order")
    number = log_in_on_landing(page, sites)

    # The requisition: the buyer's address (not the organisation's default), the speed
    # and its price, the payment method, and what the order will cost.
    ship_to = page.locator("#ship-to")
    for part in (LAB.company, LAB.attention, LAB.street, "Cambridge, MA 02139", "United States"):
        expect(ship_to).to_contain_text(part)
    expect(ship_to).not_to_contain_text("default")
    expect(page.locator("#delivery-speed")).to_contain_text("Next day")
    assert money(page.inner_text("#delivery-speed")) == charge
    expect(page.locator("#payment-method")).to_have_text("Purchase order")
    assert money(page.inner_text("#lines-total")) == lines
    assert money(page.inner_text("#tax-total")) == tax
    assert money(page.inner_text("#grand-total")) == lines + charge + tax
    screenshot(page, "40-requisition-delivery", full_page=True)

    # Allowed by the organisation: the requester moves the delivery to the loading bay.
    page.locator("#change-delivery summary").click()
    expect(page.locator("#id_ship-city")).to_have_value(LAB.city)
    page.fill("#id_ship-street", BAY_STREET)
    page.get_by_role("button", name="Save the delivery address").click()
    expect(page.locator(".messages")).to_contain_text("The delivery address was changed.")
    expect(ship_to).to_contain_text("210 Science Park")
    expect(ship_to).to_contain_text("Loading bay")
    history = page.locator("#history")
    expect(history).to_contain_text("delivery address changed")
    expect(history).to_contain_text("200 Science Park")  # from
    screenshot(page, "41-requisition-delivery-changed", full_page=True)

    page.fill("#id_cost_centre", "CC-7200 Research")
    page.fill("#id_gl_account", "6410 Lab supplies")
    page.get_by_role("button", name="Submit requisition").click()
    expect(page.locator("#requisition-status")).to_have_text("Submitted for approval")
    expect(page.locator("#delivery-form")).to_have_count(0)  # no change after submit

    approver_context = new_user(browser)
    approver = approver_context.new_page()
    log_in_to_procurement(approver, sites, logins.APPROVER)
    approver.goto(f"{procurement}/approvals/{number}/")
    approver.fill("#id_comment", "Next day is fine for the lab.")
    approver.click("#approve")
    expect(approver.locator(".messages")).to_contain_text("approved")
    approver_context.close()

    # The purchase order ships to the changed address; its OrderRequest carries the
    # ShipTo, the cart's Shipping and the payment method.
    eventually(
        page,
        f"{procurement}/requisitions/{number}/",
        lambda: page.locator("#purchase-order").count() == 1,
        "the purchase order on the requisition",
    )
    po_number = page.inner_text("#purchase-order")
    po_url = f"{procurement}/orders/{po_number}/"
    eventually(
        page,
        po_url,
        lambda: "Acknowledged" in page.inner_text("#po-state"),
        "the store's acknowledgement of the OrderRequest",
    )
    expect(page.locator("#po-ship-to")).to_have_text(f"{LAB.company}, {LAB.city}")
    expect(page.locator("#po-delivery")).to_have_text("Next day")
    screenshot(page, "42-purchase-order-delivery")
    page.locator("#timeline [data-kind=sent] a", has_text="cXML").first.click()
    document = page.locator("#document")
    expect(document).to_contain_text("<Street>210 Science Park</Street>")
    expect(document).to_contain_text("<Street>Loading bay</Street>")
    expect(document).to_contain_text("<City>Cambridge</City>")
    expect(document).to_contain_text(f'<Money currency="USD">{charge}</Money>')
    expect(document).to_contain_text('<Description xml:lang="en-US">Next day</Description>')
    expect(document).to_contain_text('<Extrinsic name="PaymentMethod">po</Extrinsic>')
    total = re.search(r"<Total>\s*<Money currency=\"USD\">([\d.]+)</Money>", document.inner_text())
    assert total is not None
    assert Decimal(total.group(1)) == lines + charge + tax

    # The store accepted the order and asks its staff to check the changed address.
    staff_context = new_user(browser)
    staff = staff_context.new_page()
    sign_in(staff, sites, logins.FULFILMENT_STAFF)
    staff.goto(f"{storefront}/staff/orders/")
    staff.locator(f'#orders tr[data-order-id="{po_number}"] a').click()
    attention = staff.locator("#order-attention")
    expect(attention).to_contain_text("Check before shipping")
    expect(attention).to_contain_text("ShipTo differs from cart")
    expect(attention).to_contain_text("Street '210 Science Park, Loading bay'")
    expect(staff.locator("#order-delivery")).to_have_text("Next day")
    expect(staff.locator("#ship-to")).to_contain_text("Loading bay")
    screenshot(staff, "43-storefront-check-before-shipping", full_page=True)
    staff_context.close()


def test_the_checkout_address_fits_a_phone(browser: Browser, sites: Sites) -> None:
    """P1: the address parts and the priced speeds are usable on a phone."""
    context = open_context(browser, viewport=PHONE, is_mobile=True, has_touch=True)
    page = context.new_page()
    sign_in(page, sites, logins.PUNCHIN_BUYER)
    search(page, "paper")
    add_from_product_page(page, quantity=1)
    try:
        page.goto(f"{sites.storefront.url}/checkout/")
        expect(page.locator("#delivery-address legend")).to_have_text("Delivery address")
        width = page.evaluate("document.scrollingElement.scrollWidth")
        assert width == PHONE["width"], f"the checkout is {width}px wide on a phone"
        screenshot(page, "44-phone-checkout", full_page=True)
    finally:
        # The other journeys start from the buyer's empty cart.
        page.goto(f"{sites.storefront.url}/cart/")
        page.fill("#cart-lines .qty", "0")
        page.locator("#cart-lines").get_by_role("button", name="Update").click()
        expect(page.locator("#cart-count")).to_have_text("0")
        context.close()
