"""After the Punch-in (P8), in a real Chromium against both parties and their workers.

The buyer punches a cart in and submits the requisition with its cost coding; the
approver approves it in the queue with a comment; procurement's delivery worker sends
the StatusUpdateRequest and the OrderRequest; the buyer's order history on the
storefront says "Approved" and shows the purchase order; the store's fulfilment staff
confirm it (one box short), ship and invoice what they confirmed, and the
storefront's worker delivers each document; procurement's purchase order holds the
invoice until the buyer receives the goods, then shows the timeline and a three-way
match, matched against the confirmation and the receipt, and the spend page counts
it. Four people, four browser profiles, two companies' servers.

Set PUNCHIN_SCREENSHOTS=1 to refresh docs/screenshots.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from playwright.sync_api import Browser, Page, expect

from punchin import demo
from punchin.web import demo as logins
from tests.e2e.conftest import Sites, screenshot
from tests.e2e.steps import (
    eventually,
    log_in_to_procurement,
    money,
    new_user,
    punch_in,
    sign_in,
)

COST_CENTRE = "CC-4100 Facilities"
GL_ACCOUNT = "6420 Office supplies"
CARRIER = "UPS"
TRACKING = "1Z999AA10123456784"


def approved_spend(page: Page, sites: Sites) -> Decimal:
    """The store's approved spend on procurement's spend page (0 before any order)."""
    page.goto(f"{sites.procurement.url}/spend/")
    supplier = page.locator("#spend-supplier tbody tr", has_text=logins.STORE_NAME)
    if supplier.count() == 0:
        return Decimal(0)
    return money(supplier.locator('[data-label="Approved"]').inner_text())


def test_approved_cart_becomes_a_matched_purchase_order(
    page: Page, browser: Browser, sites: Sites
) -> None:
    procurement, storefront = sites.procurement.url, sites.storefront.url

    # The buyer: Punch-in, then the requisition with its cost coding.
    seen, number = punch_in(page, sites, ("toner", 2), ("nitrile gloves", 3))
    # Finance, at another computer, watches the spend page.
    finance_context = new_user(browser)
    spend = finance_context.new_page()
    log_in_to_procurement(spend, sites, logins.FINANCE)
    spent_before = approved_spend(spend, sites)
    ordered = sum((s.unit_price * s.quantity for s in seen), Decimal())
    page.fill("#id_cost_centre", COST_CENTRE)
    page.fill("#id_gl_account", GL_ACCOUNT)
    page.get_by_role("button", name="Submit requisition").click()
    expect(page.locator("#requisition-status")).to_have_text("Submitted for approval")

    # The approver, at another computer: the queue, the requisition, approve.
    approver_context = new_user(browser)
    approver = approver_context.new_page()
    log_in_to_procurement(approver, sites, logins.APPROVER)
    approver.goto(f"{procurement}/approvals/")
    row = approver.locator("#queue tbody tr", has_text=number)
    expect(row).to_have_count(1)
    # What the PO will cost: the lines, the two-day delivery chosen at checkout and the
    # demo store's sales tax on the lines (docs/checkout.md: half up to the cent).
    tax = (ordered * Decimal(demo.DEMO_SALES_TAX_PERCENT) / 100).quantize(
        Decimal("0.01"), ROUND_HALF_UP
    )
    assert money(row.locator('[data-label="Total"]').inner_text()) == (
        ordered + Decimal("12.00") + tax
    )
    # One name for one product (docs/product-names.md): the store's title, everywhere.
    toner, gloves = seen
    expect(row.locator('[data-label="Items"] .item-name')).to_have_text(toner.name)
    expect(row.locator('[data-label="Items"]')).to_contain_text("and 1 more item")
    screenshot(approver, "12-approval-queue")
    row.get_by_role("link", name=number).click()
    expect(approver.locator("dl.facts")).to_contain_text(COST_CENTRE)
    approver.fill("#id_comment", "Fine, within the facilities budget.")
    approver.click("#approve")
    expect(approver.locator(".messages")).to_contain_text("approved")

    # Procurement creates the PO; its worker delivers the StatusUpdateRequest and
    # the OrderRequest, and the storefront's answer acknowledges the PO.
    requisition_url = f"{procurement}/requisitions/{number}/"
    eventually(
        page,
        requisition_url,
        lambda: page.locator("#purchase-order").count() == 1,
        "the purchase order on the requisition",
    )
    expect(page.locator("#requisition-status")).to_have_text("Approved")
    po_number = page.inner_text("#purchase-order")
    po_url = f"{procurement}/orders/{po_number}/"
    eventually(
        page,
        po_url,
        lambda: "Acknowledged" in page.inner_text("#po-state"),
        "the supplier's acknowledgement of the OrderRequest",
    )

    # The storefront's order history: approved, with the purchase order.
    store = page.context.new_page()
    purchase_order = store.locator(f'.purchase-order[data-order-id="{po_number}"]')
    eventually(
        store,
        f"{storefront}/orders/",
        lambda: purchase_order.count() == 1,
        "the purchase order in the buyer's order history",
    )
    submission = store.locator("#punchin-submissions .submission", has=purchase_order)
    expect(submission.locator("h3 .state")).to_have_text("Approved by your purchasing system")
    expect(submission.locator(".approval")).to_contain_text("within the facilities budget")
    expect(submission.locator(".approval")).not_to_contain_text("200 OK")
    expect(submission).not_to_contain_text("continue in your purchasing system")
    order_lines = submission.locator(".po-lines tbody tr")
    expect(order_lines).to_have_count(2)
    expect(order_lines.locator(".item-name")).to_have_text([toner.name, gloves.name])
    screenshot(store, "13-storefront-order-history-approved", full_page=True)

    # The store's fulfilment staff: confirm, ship, invoice.
    staff_context = new_user(browser)
    staff = staff_context.new_page()
    sign_in(staff, sites, logins.FULFILMENT_STAFF)
    staff.goto(f"{storefront}/staff/orders/")
    staff.locator(f'#orders tr[data-order-id="{po_number}"] a').click()
    expect(staff.locator("#order-state")).to_have_text("Received")
    expect(staff.locator("#order-lines tbody tr")).to_have_count(2)
    expect(staff.locator("#order-lines .item-name")).to_have_text([toner.name, gloves.name])
    # One box of gloves short: confirmed with detail, the missing box rejected.
    staff.fill("#confirm-form [name=quantity_2]", str(gloves.quantity - 1))
    staff.fill("#confirm-form [name=comment]", "One box of gloves short, sorry.")
    staff.click("#confirm-submit")
    expect(staff.locator("#order-state")).to_have_text("Confirmed")
    staff.fill("#ship-form [name=carrier]", CARRIER)
    staff.fill("#ship-form [name=tracking_number]", TRACKING)
    staff.click("#ship-submit")
    expect(staff.locator("#order-state")).to_have_text("Shipped")
    staff.click("#invoice-submit")
    expect(staff.locator("#order-state")).to_have_text("Invoiced")
    sent = staff.locator("#sent-documents .document")
    expect(sent).to_have_count(3)
    eventually(
        staff,
        staff.url,
        lambda: sent.locator(".state.delivered").count() == 3,
        "the confirmation, ship notice and invoice delivered to procurement",
    )
    screenshot(staff, "14-storefront-staff-order", full_page=True)

    # Procurement: the timeline and the three-way match.
    eventually(
        page,
        po_url,
        lambda: page.locator("#timeline [data-kind=invoiced]").count() == 1,
        "the invoice on the purchase order's timeline",
    )
    kinds = page.locator("#timeline [data-kind]").evaluate_all(
        "events => events.map(e => e.dataset.kind)"
    )
    for step in ("approved", "sent", "acknowledged", "confirmed", "shipped", "invoiced"):
        assert step in kinds, f"{step} missing from the timeline {kinds}"
    # Invoiced but not yet received: held until the goods are.
    expect(page.locator("#match-status")).to_have_text("mismatch")
    expect(page.locator("#match")).to_contain_text("but nothing received yet")

    # The buyer receives what was shipped, from the PO page, with the keyboard.
    page.click("#receive-link")
    expect(page.locator("#receive-lines tbody tr")).to_have_count(2)
    expect(page.locator("#receive-lines input[autofocus]")).to_be_focused()
    screenshot(page, "38-procurement-goods-receipt", full_page=True)
    page.click("#receive-all-shipped")
    expect(page.locator(".messages")).to_contain_text("Receipt recorded")
    expect(page.locator("#po-state")).to_have_text("Invoiced")
    expect(page.locator("#match-status")).to_have_text("matched")
    expect(page.locator("#match tbody tr")).to_have_count(2)
    agreed = {1: toner.quantity, 2: gloves.quantity - 1}
    for number_on_po, line in enumerate(seen, start=1):
        row = page.locator(f'#match tr[data-line="{number_on_po}"]')
        expect(row.locator('[data-label="Item"] code')).to_have_text(line.part_id)
        expect(row.locator('[data-label="Item"] .item-name')).to_have_text(line.name)
        quantities = {
            column: row.locator(f'[data-label="{column}"]').inner_text().split()[0]
            for column in ("Ordered", "Confirmed", "Shipped", "Received", "Invoiced")
        }
        assert quantities == {
            "Ordered": str(line.quantity),
            "Confirmed": str(agreed[number_on_po]),
            "Shipped": str(agreed[number_on_po]),
            "Received": str(agreed[number_on_po]),
            "Invoiced": str(agreed[number_on_po]),
        }
        expect(row.locator('[data-label="Match"]')).to_have_text("matched")
    wrap = page.locator(".table-wrap").filter(has=page.locator("#match"))
    assert wrap.evaluate("e => e.scrollWidth <= e.clientWidth"), "the match scrolls sideways"
    expect(page.locator("main")).to_contain_text(TRACKING)
    screenshot(page, "15-purchase-order", full_page=True)

    # Spend: this order adds to the supplier's spend (other tests order from it too).
    assert approved_spend(spend, sites) == spent_before + ordered
    expect(spend.locator("#spend-supplier figure svg")).to_be_visible()
    screenshot(spend, "16-spend")

    # Procurement's outbound deliveries (staff): both documents delivered.
    admin = approver_context.new_page()
    log_in_to_procurement(admin, sites, logins.PROCUREMENT_ADMIN)
    admin.goto(f"{procurement}/deliveries/")
    expect(admin.locator("#delivery-attention")).to_have_count(0)
    for document_type in ("StatusUpdateRequest", "OrderRequest"):
        row = admin.locator("#delivery-table tr[data-state=delivered]", has_text=document_type)
        expect(row.first).to_be_visible()
        expect(row.first.locator('[data-label="Partner"]')).to_have_text(logins.STORE_NAME)
    screenshot(admin, "17-deliveries")
    approver_context.close()
    staff_context.close()
    finance_context.close()
