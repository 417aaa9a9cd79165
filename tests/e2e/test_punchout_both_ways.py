"""Classic PunchOut between the two parties, in a real Chromium (docs/punchout.md).

The requester starts in procurement: "Shop at <store>" posts the PunchOutSetupRequest
to the storefront, the browser opens the store's StartPage, the requester shops there
and "Transfer cart" makes the browser post the PunchOutOrderMessage back to
procurement's BrowserFormPost URL, where it becomes a draft requisition. Approved, it
becomes a purchase order whose OrderRequest the store matches to the PunchOut cart's
lines by their SupplierPartAuxiliaryIDs; nothing else goes to the store. Then the edit
round trip and a read-only inspect, with the store set to send the cart in Base64.

Both parties are the demo's servers, out of the box: no test configures PunchOut. Set
PUNCHIN_SCREENSHOTS=1 to refresh docs/screenshots.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import closing, contextmanager

from playwright.sync_api import Browser, Page, expect

from punchin.cxml import parse
from punchin.cxml.envelope import Message
from punchin.cxml.punchout import PunchOutOrderMessage
from punchin.web import demo as logins
from tests.e2e.conftest import DESKTOP, PHONE, Sites, screenshot
from tests.e2e.steps import (
    add_from_product_page,
    add_from_results,
    eventually,
    log_in_to_procurement,
    new_user,
    search,
    sign_in,
)

STORE = logins.STORE_NAME


def shop_at_the_store(page: Page, sites: Sites, shot: str | None = None) -> None:
    """From procurement's Shop at suppliers to the store's shop, signed in there."""
    page.locator("header nav").get_by_role("link", name="Shop at suppliers").click()
    expect(page.locator("#punchout-suppliers")).to_contain_text(STORE)
    if shot:
        screenshot(page, shot)
    page.get_by_role("button", name=f"Shop at {STORE}", exact=True).click()
    page.wait_for_url(f"{sites.storefront.url}/")
    expect(page.locator("#punchout-banner")).to_contain_text("Shopping for")


def send_back(page: Page, sites: Sites) -> str:
    """Press the cart page's transfer (or return) button: the store's page posts the
    cart through the browser to procurement, which shows the requisition. Returns the
    form field the cart travelled in (P33)."""
    with page.expect_request(lambda r: "/punchout/return/" in r.url) as posted:
        page.click("#punchout-transfer-cart")
    assert posted.value.url.startswith(f"{sites.procurement.url}/punchout/return/")
    page.wait_for_url(f"{sites.procurement.url}/requisitions/*/")
    return (posted.value.post_data or "").split("=", 1)[0]


def requisition_lines(page: Page) -> list[tuple[str, str, str]]:
    """The requisition page's lines: SupplierPartID, SupplierPartAuxiliaryID, quantity."""
    rows = page.locator(".lines tbody tr")
    return [
        (
            row.locator('[data-label="Part"] code').inner_text(),
            # Folded under "Supplier's reference": read whether open or not.
            row.locator('[data-label="Part"] details .muted').text_content() or "",
            row.locator('[data-label="Quantity"]').inner_text(),
        )
        for row in rows.all()
    ]


def submit(page: Page) -> None:
    page.fill("#id_cost_centre", "CC-4100 Facilities")
    page.fill("#id_gl_account", "6420 Office supplies")
    page.get_by_role("button", name="Submit requisition").click()
    expect(page.locator("#requisition-status")).to_have_text("Submitted for approval")


def store_database(sites: Sites) -> sqlite3.Connection:
    """The storefront's own database, read-only (its server keeps writing to it)."""
    path = sites.log.parent / "storefront" / "storefront.sqlite3"
    return sqlite3.connect(f"file:{path}?mode=ro", uri=True)


def ordered_from(sites: Sites, po_number: str) -> list[tuple[int, str, list[str]]]:
    """Each line of the store's purchase order: the PunchOut session whose cart it was
    matched to, its SupplierPartAuxiliaryID, and that cart's lines' IDs as sent."""
    query = """
        SELECT s.id, l.supplier_part_auxiliary_id, d.raw
        FROM orders_purchaseorderline l
        JOIN orders_purchaseorder o ON o.id = l.order_id
        JOIN documents_cxmldocument d ON d.id = l.cart_id
        JOIN punchout_punchoutsession s ON s.poom_id = d.id
        WHERE o.order_id = ? AND l.submission_id IS NULL
        ORDER BY l.line_number
    """
    with closing(store_database(sites)) as db:
        rows = db.execute(query, (po_number,)).fetchall()
    found = []
    for session, auxiliary, raw in rows:
        body = parse(bytes(raw)).body
        assert isinstance(body, Message)
        assert isinstance(body.payload, PunchOutOrderMessage)
        cart = [
            item.item_id.supplier_part_auxiliary_id.value
            for item in body.payload.items
            if item.item_id.supplier_part_auxiliary_id is not None
        ]
        found.append((session, auxiliary, cart))
    return found


def test_a_punchout_cart_becomes_a_requisition_and_its_order_matches_the_cart(
    page: Page, browser: Browser, sites: Sites
) -> None:
    procurement, storefront = sites.procurement.url, sites.storefront.url

    # The requester shops at the store from procurement.
    log_in_to_procurement(page, sites, logins.PUNCHIN_BUYER)
    shop_at_the_store(page, sites, shot="23-procurement-shop-at-suppliers")
    search(page, "toner")
    toner = add_from_product_page(page, quantity=2)
    search(page, "nitrile gloves")
    gloves = add_from_results(page, sites)
    page.click("#nav-cart")
    expect(page.locator("#cart-lines tbody tr")).to_have_count(2)
    expect(page.locator("#proceed-to-checkout")).to_have_count(0)  # no checkout here
    screenshot(page, "24-punchout-store-cart")
    page.set_viewport_size(PHONE)
    screenshot(page, "28-phone-punchout-store-cart")
    page.set_viewport_size(DESKTOP)

    # Transfer: the cart comes back through the browser as a draft requisition.
    assert send_back(page, sites) == "cxml-urlencoded"
    expect(page.locator(".messages")).to_contain_text(f"Your cart from {STORE} is now requisition")
    expect(page.locator("#requisition-status")).to_have_text("Draft")
    lines = requisition_lines(page)
    assert [(part, quantity) for part, _, quantity in lines] == [
        (toner.part_id, "2"),
        (gloves.part_id, "1"),
    ]
    expect(page.get_by_role("button", name=f"Edit cart at {STORE}")).to_be_visible()
    number = page.url.rstrip("/").rsplit("/", 1)[-1]
    requisition_url = page.url
    screenshot(page, "25-punchout-requisition", full_page=True)
    page.set_viewport_size(PHONE)
    screenshot(page, "29-phone-punchout-requisition", full_page=True)
    page.set_viewport_size(DESKTOP)
    submit(page)

    # The approver approves; procurement orders the cart.
    approver_context = new_user(browser)
    approver = approver_context.new_page()
    log_in_to_procurement(approver, sites, logins.APPROVER)
    approver.goto(f"{procurement}/approvals/{number}/")
    approver.fill("#id_comment", "Fine.")
    approver.click("#approve")
    expect(approver.locator(".messages")).to_contain_text("approved")
    eventually(
        page,
        requisition_url,
        lambda: page.locator("#purchase-order").count() == 1,
        "the purchase order on the requisition",
    )
    po_number = page.inner_text("#purchase-order")
    eventually(
        page,
        f"{procurement}/orders/{po_number}/",
        lambda: "Acknowledged" in page.inner_text("#po-state"),
        "the store's acknowledgement of the OrderRequest",
    )

    # The store matched the order's lines to the PunchOut cart's, as its staff see.
    staff_context = new_user(browser)
    staff = staff_context.new_page()
    sign_in(staff, sites, logins.FULFILMENT_STAFF)
    staff.goto(f"{storefront}/staff/orders/")
    staff.locator(f'#orders tr[data-order-id="{po_number}"] a').click()
    cart_lines = staff.locator("#order-lines [data-cart-line]")
    expect(cart_lines).to_have_count(2)
    shown = cart_lines.evaluate_all("spans => spans.map(s => s.dataset.cartLine)")
    assert shown == [auxiliary for _, auxiliary, _ in lines]
    expect(cart_lines.first).to_contain_text("PunchOut cart, line 1")
    # ... and in its database: one session's cart, the very IDs it sent.
    ordered = ordered_from(sites, po_number)
    assert len(ordered) == 2
    assert len({session for session, _, _ in ordered}) == 1
    assert [auxiliary for _, auxiliary, _ in ordered] == ordered[0][2] == shown

    # Procurement sent the store the OrderRequest and nothing else: no
    # StatusUpdateRequest about this requisition (that is Punch-in's, P8).
    admin = approver_context.new_page()
    log_in_to_procurement(admin, sites, logins.PROCUREMENT_ADMIN)
    admin.goto(f"{procurement}/deliveries/")
    order_request = admin.locator("#delivery-table tbody tr", has_text=po_number)
    expect(order_request).to_have_count(1)
    expect(order_request).to_have_attribute("data-state", "delivered")
    expect(order_request.locator('[data-label="Document"] a')).to_have_text("OrderRequest")
    expect(admin.locator("#delivery-table tbody tr", has_text=number)).to_have_count(0)
    approver_context.close()
    staff_context.close()


@contextmanager
def cart_sent_in_base64(browser: Browser, sites: Sites) -> Iterator[None]:
    """The store's account admin has PunchOut carts go back in the cxml-base64 field
    (Configure Purchasing System), and back to cxml-urlencoded afterwards."""
    context = new_user(browser)
    admin = context.new_page()
    sign_in(admin, sites, logins.STORE_ADMIN)

    def choose(field: str) -> None:
        admin.goto(f"{sites.storefront.url}/account/business-settings/systems-integrations/")
        admin.check(f'#punchout-cart-field input[value="{field}"]')
        admin.click("#save-purchasing-system")
        expect(admin.locator(".messages .success")).to_be_visible()

    choose("cxml-base64")
    try:
        yield
    finally:
        choose("cxml-urlencoded")
        context.close()


def test_the_cart_is_edited_and_viewed_at_the_store(
    page: Page, browser: Browser, sites: Sites
) -> None:
    storefront = sites.storefront.url
    with cart_sent_in_base64(browser, sites):
        log_in_to_procurement(page, sites, logins.PUNCHIN_BUYER)
        shop_at_the_store(page, sites)
        search(page, "toner")
        toner = add_from_results(page, sites)
        page.click("#nav-cart")
        assert send_back(page, sites) == "cxml-base64"
        ((part, first_reference, quantity),) = requisition_lines(page)
        assert (part, quantity) == (toner.part_id, "1")

        # Edit: the store reopens the cart with its line; 3 instead of 1 comes back.
        page.get_by_role("button", name=f"Edit cart at {STORE}").click()
        page.wait_for_url(f"{storefront}/cart/")
        row = page.locator(f'#cart-lines tr[data-part="{toner.part_id}"]')
        expect(row.locator("input.qty")).to_have_value("1")
        row.locator("input.qty").fill("3")
        row.get_by_role("button", name="Update").click()
        expect(page.locator("#cart-count")).to_have_text("3")  # the cart page came back
        screenshot(page, "26-punchout-edit-at-store")
        assert send_back(page, sites) == "cxml-base64"
        expect(page.locator(".messages")).to_contain_text("now holds the cart you edited")
        ((part, reference, quantity),) = requisition_lines(page)
        assert (part, quantity) == (toner.part_id, "3")
        assert reference != first_reference  # the line of the edited cart
        submit(page)

        # Inspect: a submitted cart is shown at the store, read-only; nothing changes.
        page.get_by_role("button", name=f"View cart at {STORE}").click()
        page.wait_for_url(f"{storefront}/cart/")
        expect(page.locator("#punchout-banner")).to_contain_text("viewing an earlier cart")
        expect(page.locator("#cart-lines input")).to_have_count(0)
        expect(page.locator("#punchout-banner-cancel")).to_have_count(0)
        expect(page.locator(f'#cart-lines tr[data-part="{toner.part_id}"]')).to_contain_text("3")
        expect(page.locator("#punchout-transfer-cart")).to_have_text(
            page.locator("#punchout-banner-transfer").inner_text()
        )
        screenshot(page, "27-punchout-inspect-at-store")
        assert send_back(page, sites) == "cxml-base64"
        expect(page.locator(".messages")).to_contain_text("nothing changed")
        expect(page.locator("#requisition-status")).to_have_text("Submitted for approval")
        assert requisition_lines(page) == [(toner.part_id, reference, "3")]
