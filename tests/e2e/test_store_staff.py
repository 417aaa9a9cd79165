"""The store's staff pages in a real Chromium (issues 10 and 11), against the demo's
servers: a direct website order placed by a buyer of the Direct group is confirmed,
shipped and invoiced by the fulfilment staff, who land on their order list when they
sign in; the store's site admin reaches the admin; and a 50-line purchase order, with
the date the requester needs it by, is confirmed with the keyboard at 1280 and 390 px.

Set PUNCHIN_SCREENSHOTS=1 to refresh docs/screenshots.
"""

from __future__ import annotations

import re

from playwright.sync_api import Browser, BrowserContext, Page, expect

from punchin import demo
from punchin.web import demo as logins
from tests.e2e.conftest import PHONE, Sites, open_context, screenshot
from tests.e2e.steps import (
    add_from_product_page,
    check_out,
    eventually,
    log_in_on_landing,
    log_in_to_procurement,
    new_user,
    search,
    sign_in,
)

LINES = 50
NEED_BY = "2027-03-01"

# The Punch-in buyer's cart holds the 50 cheapest products, one of each (within the
# approver's limit): typed in one by one, the test would mostly measure typing.
FILL_CART = f"""
from django.contrib.auth import get_user_model
from punchin.storefront.cart import services
from punchin.storefront.cart.models import CartLine
from punchin.storefront.catalog.models import Product
user = get_user_model().objects.get(username={logins.PUNCHIN_BUYER!r})
CartLine.objects.filter(cart__user=user, cart__punchout=None).delete()
for product in Product.objects.order_by("price", "supplier_part_id")[:{LINES}]:
    services.add(user, product, 1)
print(CartLine.objects.filter(cart__user=user, cart__punchout=None).count())
"""


def no_sideways_scroll(page: Page) -> None:
    assert page.evaluate(
        "document.documentElement.scrollWidth <= document.documentElement.clientWidth"
    ), f"{page.url} scrolls sideways at {page.viewport_size}"


def staff_member(browser: Browser, sites: Sites, email: str, **options: object) -> Page:
    """A staff member at their own computer: signing in lands on the order list."""
    context: BrowserContext = open_context(browser, **options) if options else new_user(browser)
    page = context.new_page()
    sign_in(page, sites, email)
    expect(page).to_have_url(f"{sites.storefront.url}/staff/orders/")
    expect(page.locator("#nav-staff")).to_be_visible()
    return page


def test_a_direct_order_is_fulfilled_by_the_store_staff(
    page: Page, browser: Browser, sites: Sites
) -> None:
    storefront = sites.storefront.url

    # The buyer of the Direct group checks out on the website: "Place order" (P3, P12).
    sign_in(page, sites, logins.DIRECT_BUYER)
    expect(page).to_have_url(f"{storefront}/")
    expect(page.locator("#nav-staff")).to_have_count(0)
    search(page, "toner")
    seen = add_from_product_page(page, quantity=2)
    check_out(page, "Direct buyers")
    expect(page.locator("#place-order")).to_have_text("Place order")
    page.click("#place-order")
    expect(page.locator(".messages")).to_contain_text("your order is placed")
    expect(page.locator("#order-state")).to_have_text("Placed")
    number = page.url.rstrip("/").rsplit("/", 1)[-1]
    order_url = page.url

    # The fulfilment staff: the website order is on their list, beside the POs.
    staff = staff_member(browser, sites, logins.FULFILMENT_STAFF)
    row = staff.locator(f'#website-orders tr[data-website-order="{number}"]')
    expect(row.locator(".state")).to_have_text("Placed")
    screenshot(staff, "30-storefront-staff-orders", full_page=True)
    row.get_by_role("link", name=f"Order {number}").click()
    expect(staff.locator("h1")).to_contain_text(f"Website order {number}")
    expect(staff.locator("#order-lines tbody tr")).to_have_count(1)
    expect(staff.locator("#order-lines")).to_contain_text(seen.part_id)
    expect(staff.locator("#deliver-to")).to_contain_text("100 Main Street")
    expect(staff.locator("#confirm-submit")).to_be_focused()
    staff.fill("#confirm-comment", "Packed today.")
    staff.click("#confirm-submit")
    expect(staff.locator("#order-state")).to_have_text("Confirmed")
    staff.fill("#ship-form [name=carrier]", "UPS")
    staff.fill("#ship-form [name=tracking_number]", "1Z999AA10123456785")
    screenshot(staff, "31-storefront-staff-website-order", full_page=True)
    staff.click("#ship-submit")
    expect(staff.locator("#order-state")).to_have_text("Shipped")
    staff.click("#invoice-submit")
    expect(staff.locator("#order-state")).to_have_text("Invoiced")
    expect(staff.locator("#steps .step")).to_have_count(3)
    expect(staff.locator("#invoice-number")).to_have_text(f"INV-W-{number}")
    staff.set_viewport_size(PHONE)
    no_sideways_scroll(staff)

    # The buyer reads each step on their order page.
    page.goto(order_url)
    expect(page.locator("#order-state")).to_have_text("Invoiced")
    expect(page.locator(".step")).to_have_count(3)
    expect(page.locator(".step").first).to_contain_text("Packed today.")
    expect(page.locator("#tracking-number")).to_have_text("1Z999AA10123456785")
    expect(page.locator("#invoice-number")).to_have_text(f"INV-W-{number}")

    # The store's site admin: the staff pages, and the admin with every document.
    admin = staff_member(browser, sites, logins.STORE_STAFF_ADMIN)
    admin.goto(f"{storefront}/admin/")
    expect(admin.locator("#site-name")).to_be_visible()
    admin.goto(f"{storefront}/admin/documents/cxmldocument/")
    expect(admin.locator("#content h1")).to_contain_text(re.compile("cxml document", re.I))
    admin.goto(f"{storefront}/admin/cart/order/")
    expect(admin.locator("#result_list")).to_contain_text(logins.DIRECT_BUYER)
    for opened in (staff, admin):
        opened.context.close()


def test_staff_confirm_a_50_line_purchase_order_with_the_keyboard(
    page: Page, browser: Browser, sites: Sites
) -> None:
    procurement = sites.procurement.url
    filled = demo.manage(sites.storefront, sites.log.parent, "shell", "-c", FILL_CART)
    assert filled.split()[-1] == str(LINES)

    # The Punch-in buyer submits the 50 lines for approval, needed by 1 March 2027.
    sign_in(page, sites, logins.PUNCHIN_BUYER)
    check_out(page, "Procurement buyers")
    page.click("#place-order")
    number = log_in_on_landing(page, sites)
    page.fill("#id_cost_centre", "CC-4100 Facilities")
    page.fill("#id_gl_account", "6420 Office supplies")
    page.fill("#id_need_by", NEED_BY)
    page.get_by_role("button", name="Submit requisition").click()
    expect(page.locator("#requisition-status")).to_have_text("Submitted for approval")
    approver_context = new_user(browser)
    approver = approver_context.new_page()
    log_in_to_procurement(approver, sites, logins.APPROVER)
    approver.goto(f"{procurement}/approvals/{number}/")
    approver.click("#approve")
    expect(approver.locator(".messages")).to_contain_text("approved")
    approver_context.close()
    requisition_url = f"{procurement}/requisitions/{number}/"
    eventually(
        page,
        requisition_url,
        lambda: page.locator("#purchase-order").count() == 1,
        "the purchase order on the requisition",
    )
    po_number = page.inner_text("#purchase-order")

    # The staff, at a desktop: the PO arrives on their list; one row per line.
    staff = staff_member(browser, sites, logins.FULFILMENT_STAFF)
    row = staff.locator(f'#orders tr[data-order-id="{po_number}"]')
    eventually(staff, staff.url, lambda: row.count() == 1, "the 50-line PO at the store")
    expect(row.locator('[data-label="Lines"]')).to_have_text(str(LINES))
    row.get_by_role("link", name=po_number).click()
    expect(staff.locator("#order-state")).to_have_text("Received")
    expect(staff.locator("#order-need-by")).to_have_text("March 1, 2027")
    lines = staff.locator("#confirm-form #order-lines tbody tr")
    expect(lines).to_have_count(LINES)
    needed = lines.locator('[data-label="Needed by"]').all_inner_texts()
    assert needed == ["March 1, 2027"] * LINES
    expect(staff.locator("#ship-to")).to_contain_text("Springfield, IL 62701")
    expect(staff.locator("#ship-to")).not_to_contain_text("United States")
    for line in (1, LINES):
        names = staff.locator(f"#line-{line} input").evaluate_all("i => i.map(e => e.name)")
        assert names == [f"quantity_{line}", f"price_{line}", f"date_{line}"]
    # Tab moves along the row: quantity, unit price, delivery date (its day, month
    # and year are stops of one field), then the next line.
    staff.focus("[name=quantity_1]")
    visited = ["quantity_1"]
    while len(visited) < 7:
        staff.keyboard.press("Tab")
        name = staff.evaluate("document.activeElement.name")
        if name != visited[-1]:
            visited.append(name)
    assert visited == [
        "quantity_1",
        "price_1",
        "date_1",
        "quantity_2",
        "price_2",
        "date_2",
        "quantity_3",
    ]
    no_sideways_scroll(staff)
    staff.reload()
    expect(staff.locator("#confirm-all")).to_be_focused()
    screenshot(staff, "32-storefront-staff-confirm-50-lines")

    # The same staff member on a phone: the page fits, and Enter confirms it all.
    phone = staff_member(
        browser, sites, logins.FULFILMENT_STAFF, viewport=PHONE, is_mobile=True, has_touch=True
    )
    phone.goto(staff.url)
    confirm_all = phone.locator("#confirm-all")
    expect(confirm_all).to_be_focused()
    expect(confirm_all).to_be_in_viewport()
    no_sideways_scroll(phone)
    screenshot(phone, "33-phone-storefront-staff-confirm")
    phone.keyboard.press("Enter")
    expect(phone.locator("#order-state")).to_have_text("Confirmed")
    expect(phone.locator(".messages")).to_contain_text(re.compile(r"Confirmation CF-\d+-1 is on"))
    no_sideways_scroll(phone)

    # Every line as ordered: an accept, which procurement's PO shows.
    eventually(
        page,
        f"{procurement}/orders/{po_number}/",
        lambda: page.locator("#timeline [data-kind=confirmed]").count() == 1,
        "the confirmation on procurement's purchase order",
    )
    staff.reload()
    expect(staff.locator("#order-lines tbody tr")).to_have_count(LINES)
    agreed = staff.locator('#order-lines [data-label="Agreed"]').all_inner_texts()
    assert agreed == ["1"] * LINES
    for opened in (staff, phone):
        opened.context.close()
