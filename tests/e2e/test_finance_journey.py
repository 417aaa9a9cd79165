"""The numbers a buyer and a finance team can trust, in a real Chromium between both
parties (docs/purchase-orders.md, docs/storefront-orders.md).

Acme allows 30.00 USD of tax its purchase orders do not carry (the store quotes none).
The buyer orders toner and gloves with two-day delivery; the store ships it all; the
buyer receives part of it, then the rest; the store invoices the order with sales tax
and the delivery charge its invoice form starts at, and procurement matches it. A
second order, with next-day delivery, is invoiced with more shipping than the PO pays
for: finance find it on the reconciliation list with the reason. The store then sends
a credit memo against the first invoice, and finance see it on the purchase order,
linked to that invoice, and taken off the invoiced spend.

Set PUNCHIN_SCREENSHOTS=1 to refresh docs/screenshots (50-59).
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import ROUND_HALF_UP, Decimal

import pytest
from playwright.sync_api import Browser, Page, expect

from punchin.web import demo as logins
from tests.e2e.conftest import PHONE, Sites, open_context, screenshot
from tests.e2e.steps import (
    approve_in_procurement,
    eventually,
    log_in_to_procurement,
    money,
    new_user,
    punch_in,
    sign_in,
)

TAX_RATE = Decimal("8.25")
TAX_TOLERANCE = "30.00"
TWO_DAY, NEXT_DAY = Decimal("12.00"), Decimal("25.00")
CENT = Decimal("0.01")


@pytest.fixture
def tolerances(browser: Browser, sites: Sites) -> Iterator[None]:
    """Acme's match tolerances, set in procurement's admin for this test only: the other
    journeys see the organisation as the demo seeds it (the defaults)."""
    context = new_user(browser)
    admin = context.new_page()
    log_in_to_procurement(admin, sites, logins.PROCUREMENT_ADMIN)
    admin.goto(f"{sites.procurement.url}/admin/procurement_orders/matchtolerance/add/")
    organisation = admin.locator("#id_organisation option", has_text=logins.ORGANISATION)
    admin.select_option("#id_organisation", value=organisation.get_attribute("value"))
    admin.fill("#id_tax_amount", TAX_TOLERANCE)
    admin.click("input[name=_save]")
    expect(admin.locator(".messagelist")).to_contain_text("was added successfully")
    yield
    admin.goto(f"{sites.procurement.url}/admin/procurement_orders/matchtolerance/")
    admin.locator("#result_list tbody a").first.click()
    admin.locator("a.deletelink").click()
    admin.click("input[type=submit]")
    expect(admin.locator(".messagelist")).to_contain_text("deleted successfully")
    context.close()


def staff_order(staff: Page, sites: Sites, po_number: str) -> str:
    """The store's staff open the purchase order: its page's URL."""
    staff.goto(f"{sites.storefront.url}/staff/orders/")
    staff.locator(f'#orders tr[data-order-id="{po_number}"] a').click()
    expect(staff.locator("#order-state")).to_have_text("Received")
    return staff.url


def confirm_and_ship_all(staff: Page, tracking: str) -> None:
    staff.click("#confirm-all")
    expect(staff.locator("#order-state")).to_have_text("Confirmed")
    staff.fill("#ship-form [name=tracking_number]", tracking)
    staff.click("#ship-submit")
    expect(staff.locator("#order-state")).to_have_text("Shipped")


def wait_for_shipment(page: Page, po_url: str) -> None:
    eventually(
        page,
        po_url,
        lambda: page.locator("#timeline [data-kind=shipped]").count() == 1,
        "the ship notice on the purchase order",
    )


def receive(page: Page, po_url: str, quantities: dict[int, int]) -> None:
    page.goto(po_url)
    page.click("#receive-link")
    for line, quantity in quantities.items():
        page.fill(f"#receive-lines [name=received-{line}]", str(quantity))
    page.click("#record-receipt")
    expect(page.locator(".messages")).to_contain_text("Receipt recorded")


def delivered(staff: Page, count: int) -> None:
    sent = staff.locator("#sent-documents .document")
    eventually(
        staff,
        staff.url,
        lambda: sent.locator(".state.delivered").count() == count,
        f"the store's {count} documents delivered to procurement",
    )


def invoiced_spend(page: Page, sites: Sites) -> Decimal:
    """The store's invoiced spend on procurement's spend page (other journeys add to it)."""
    page.goto(f"{sites.procurement.url}/spend/")
    supplier = page.locator("#spend-supplier tbody tr", has_text=logins.STORE_NAME)
    return money(supplier.locator('[data-label="Invoiced"]').inner_text())


def test_goods_receipt_invoices_within_and_beyond_tolerance_and_a_credit_memo(
    page: Page, browser: Browser, sites: Sites, tolerances: None
) -> None:
    procurement = sites.procurement.url

    # The buyer: toner and gloves, two-day delivery, approved.
    seen, number = punch_in(page, sites, ("toner", 2), ("nitrile gloves", 3), speed="two-day")
    po_number = approve_in_procurement(page, browser, sites, number)
    po_url = f"{procurement}/orders/{po_number}/"
    expect(page.locator("#po-delivery")).to_have_text("Two-day")

    # The store ships it all.
    staff_context = new_user(browser)
    staff = staff_context.new_page()
    sign_in(staff, sites, logins.FULFILMENT_STAFF)
    staff_url = staff_order(staff, sites, po_number)
    confirm_and_ship_all(staff, "1Z999AA10123450050")

    # Goods receipt of part of the order: both toners, two boxes of gloves of three.
    wait_for_shipment(page, po_url)
    page.click("#receive-link")
    page.fill("#receive-lines [name=received-1]", "2")
    page.fill("#receive-lines [name=received-2]", "2")
    phone = open_context(browser, viewport=PHONE, is_mobile=True, has_touch=True)
    phone_page = phone.new_page()
    log_in_to_procurement(phone_page, sites, logins.PUNCHIN_BUYER)
    phone_page.goto(page.url)
    phone_page.fill("#receive-lines [name=received-1]", "2")
    phone_page.fill("#receive-lines [name=received-2]", "2")
    screenshot(phone_page, "56-phone-procurement-partial-receipt", full_page=True)
    phone.close()
    page.click("#record-receipt")
    expect(page.locator(".messages")).to_contain_text("Receipt recorded")
    expect(page.locator("#po-state")).to_have_text("Partially received")
    gloves_row = page.locator('#match tr[data-line="2"]')
    expect(gloves_row.locator('[data-label="Received"]')).to_contain_text("2")
    screenshot(page, "50-procurement-partial-receipt", full_page=True)
    receive(page, po_url, {2: 1})  # the last box, a day later
    expect(page.locator("#po-state")).to_have_text("Goods received")

    # The store invoices it: sales tax, and the delivery charge the form starts at.
    staff.goto(staff_url)
    shipping = staff.locator("#invoice-form [name=shipping]")
    expect(shipping).to_have_value(f"{TWO_DAY}")
    expect(staff.locator("#invoice")).to_contain_text("the order's delivery charge (12.00 USD")
    staff.fill("#invoice-form [name=tax_rate]", str(TAX_RATE))
    # Out of the field before the full-page screenshot: Chromium resizes the page for
    # it and back, scrolls the focused field into view after, and the click below then
    # lands where the button was (nothing is posted, the order stays "Shipped").
    staff.locator("#invoice-form [name=tax_rate]").blur()
    screenshot(staff, "51-storefront-invoice-delivery-charge", full_page=True)
    staff.click("#invoice-submit")
    expect(staff.locator("#order-state")).to_have_text("Invoiced")
    lines = sum((s.unit_price * s.quantity for s in seen), Decimal(0))
    tax = (lines * TAX_RATE / 100).quantize(CENT, rounding=ROUND_HALF_UP)
    assert tax <= Decimal(TAX_TOLERANCE), "the journey's tax must stay within the tolerance"
    invoice_number = staff.locator('#sent-documents [data-kind="InvoiceDetailRequest"] strong')
    invoice_id = invoice_number.inner_text()
    delivered(staff, 3)

    # Procurement: matched, tax and delivery within what the PO and tolerances allow.
    eventually(
        page,
        po_url,
        lambda: page.locator(f'#invoices tr[data-invoice="{invoice_id}"]').count() == 1,
        "the invoice on the purchase order",
    )
    expect(page.locator("#match-status")).to_have_text("matched")
    row = page.locator(f'#invoices tr[data-invoice="{invoice_id}"]')
    assert money(row.locator('[data-label="Tax"]').inner_text()) == tax
    assert money(row.locator('[data-label="Shipping and handling"]').inner_text()) == TWO_DAY
    assert money(row.locator('[data-label="Due"]').inner_text()) == lines + tax + TWO_DAY
    expect(page.locator("#findings li")).to_have_count(0)
    screenshot(page, "52-procurement-invoice-matched", full_page=True)

    # A second order, next-day delivery, invoiced with more shipping than the PO pays.
    # (Another session of the buyer's: this one is signed in to the store already.)
    buyer_context = new_user(browser)
    buyer = buyer_context.new_page()
    _, second = punch_in(buyer, sites, ("nitrile gloves", 1), speed="next-day")
    second_po = approve_in_procurement(buyer, browser, sites, second)
    second_url = f"{procurement}/orders/{second_po}/"
    staff_order(staff, sites, second_po)
    confirm_and_ship_all(staff, "1Z999AA10123450051")
    wait_for_shipment(buyer, second_url)
    buyer.click("#receive-link")
    buyer.click("#receive-all-shipped")
    expect(buyer.locator("#po-state")).to_have_text("Goods received")
    buyer_context.close()
    expect(staff.locator("#invoice-form [name=shipping]")).to_have_value(f"{NEXT_DAY}")
    staff.fill("#invoice-form [name=shipping]", "45.00")
    staff.click("#invoice-submit")
    expect(staff.locator("#order-state")).to_have_text("Invoiced")
    delivered(staff, 3)

    # Finance: the second order is on the reconciliation list, saying why.
    finance_context = new_user(browser)
    finance = finance_context.new_page()
    log_in_to_procurement(finance, sites, logins.FINANCE)
    reason = "shipping invoiced 45.00 USD is beyond the PO's 25.00 USD (tolerance 0.01 USD)"
    eventually(
        finance,
        f"{procurement}/orders/reconciliation/",
        lambda: finance.locator(f'#reconciliation tr[data-order="{second_po}"]').count() == 1,
        "the second order on the reconciliation list",
    )
    held = finance.locator(f'#reconciliation tr[data-order="{second_po}"]')
    expect(held.locator('[data-label="Reason"]')).to_have_text(reason)
    expect(finance.locator(f'#reconciliation tr[data-order="{po_number}"]')).to_have_count(0)
    screenshot(finance, "53-procurement-reconciliation", full_page=True)
    phone = open_context(browser, viewport=PHONE, is_mobile=True, has_touch=True)
    phone_finance = phone.new_page()
    log_in_to_procurement(phone_finance, sites, logins.FINANCE)
    phone_finance.goto(f"{procurement}/orders/reconciliation/")
    screenshot(phone_finance, "58-phone-procurement-reconciliation", full_page=True)
    phone.close()

    invoiced_before = invoiced_spend(finance, sites)

    # The store credits the first invoice: refused beyond what it billed, then sent.
    staff.goto(staff_url)
    staff.select_option("#credit-form [name=invoice]", value=invoice_id)
    staff.fill("#credit-form [name=amount]", "9999.00")
    staff.fill("#credit-form [name=reason]", "Late delivery: goodwill")
    staff.click("#credit-submit")
    expect(staff.locator(".messages")).to_contain_text("cannot be credited")
    expect(staff.locator(".messages")).to_contain_text(f"invoice {invoice_id} billed")
    staff.select_option("#credit-form [name=invoice]", value=invoice_id)
    staff.fill("#credit-form [name=amount]", "10.00")
    staff.fill("#credit-form [name=reason]", "Late delivery: goodwill")
    screenshot(staff, "54-storefront-credit-memo", full_page=True)
    phone = open_context(browser, viewport=PHONE, is_mobile=True, has_touch=True)
    phone_staff = phone.new_page()
    sign_in(phone_staff, sites, logins.FULFILMENT_STAFF)
    phone_staff.goto(staff_url)
    phone_staff.locator("#credit").scroll_into_view_if_needed()
    screenshot(phone_staff, "57-phone-storefront-credit-memo", full_page=True)
    phone.close()
    staff.click("#credit-submit")
    memo = staff.locator('#sent-documents [data-kind="CreditMemo"]')
    expect(memo).to_contain_text(f"credits {invoice_id}")
    expect(memo).to_contain_text("Late delivery: goodwill")
    delivered(staff, 4)

    # Finance: the credit memo on the purchase order, linked to the invoice it credits.
    memo_id = memo.locator("strong").inner_text()
    eventually(
        finance,
        po_url,
        lambda: finance.locator(f'#invoices tr[data-invoice="{memo_id}"]').count() == 1,
        "the credit memo on the purchase order",
    )
    credit = finance.locator(f'#invoices tr[data-invoice="{memo_id}"]')
    expect(credit).to_have_attribute("data-purpose", "creditMemo")
    expect(credit.locator('[data-label="Invoice"]')).to_contain_text(f"credits {invoice_id}")
    assert money(credit.locator('[data-label="Due"]').inner_text().lstrip("-")) == Decimal(10)
    assert "-10.00" in credit.locator('[data-label="Due"]').inner_text()
    expect(finance.locator("#match-status")).to_have_text("matched")
    screenshot(finance, "55-procurement-credit-memo", full_page=True)

    # Spend: the credit memo is taken off what is invoiced.
    assert invoiced_spend(finance, sites) == invoiced_before - Decimal(10)
    screenshot(finance, "59-procurement-spend-after-credit")
    staff_context.close()
    finance_context.close()
