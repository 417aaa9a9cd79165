"""The store's account admin presses "Send test request" in a real Chromium, against the
real procurement (docs/test-mode.md): procurement accepts it, the storefront says so in
the admin's words with the protocol one click away, the page procurement sent back
shows the sample line it received, and no requisition was created.

Set PUNCHIN_SCREENSHOTS=1 to refresh docs/screenshots.
"""

from __future__ import annotations

from playwright.sync_api import Browser, Page, expect

from punchin import demo
from punchin.web import demo as logins
from tests.e2e.conftest import PHONE, Sites, open_context, screenshot
from tests.e2e.steps import sign_in

CONFIGURE = "/account/business-settings/systems-integrations/"
COUNT = (
    "from punchin.procurement.requisitions.models import Requisition; "
    "print(Requisition.objects.count())"
)


def requisitions(sites: Sites) -> int:
    return int(demo.manage(sites.procurement, sites.log.parent, "shell", "-c", COUNT).split()[-1])


def fits(page: Page) -> None:
    assert page.evaluate(
        "document.documentElement.scrollWidth <= document.documentElement.clientWidth"
    ), "the page scrolls sideways"


def send_test_request(page: Page, sites: Sites) -> None:
    sign_in(page, sites, logins.STORE_ADMIN)
    page.goto(sites.storefront.url + CONFIGURE)
    page.get_by_role("button", name="Send test request").click()
    expect(page.locator("#test-message")).to_have_text(
        "Your purchasing system accepted the test request."
    )


def test_send_test_request_is_accepted_and_creates_nothing(
    page: Page, browser: Browser, sites: Sites
) -> None:
    before = requisitions(sites)
    send_test_request(page, sites)

    # The protocol is one click away.
    status = page.locator("#test-http-status")
    expect(status).to_be_hidden()
    page.locator("#test-technical summary").click()
    expect(status).to_have_text("200")
    expect(page.locator("#test-start-page")).to_contain_text("/punchin/test/")
    fits(page)
    screenshot(page, "34-test-request-accepted")

    # What procurement received: the sample line, and that nothing was created.
    page.get_by_role("link", name="See the page it sent back").click()
    page.wait_for_url(f"{sites.procurement.url}/punchin/test/**")
    expect(page.locator("h1")).to_have_text(f"Test received from {logins.STORE_NAME}")
    expect(page.locator("#test-outcome")).to_contain_text("nothing was created")
    expect(page.locator("table.lines tbody tr")).to_have_count(1)
    expect(page.locator("table.lines")).to_contain_text("PUNCHIN-TEST-SAMPLE")
    expect(page.locator("table.lines")).to_contain_text("Sample line of a test request")
    expect(page.locator("#test-production")).to_contain_text("A draft requisition of 1 line")
    fits(page)
    screenshot(page, "35-test-received", full_page=True)
    assert requisitions(sites) == before

    phone = open_context(browser, viewport=PHONE, is_mobile=True, has_touch=True).new_page()
    phone.goto(page.url)
    expect(phone.locator("table.lines")).to_contain_text("PUNCHIN-TEST-SAMPLE")
    fits(phone)
    screenshot(phone, "36-phone-test-received", full_page=True)
    send_test_request(phone, sites)
    fits(phone)
    screenshot(phone, "37-phone-test-request-accepted", full_page=True)
    phone.context.close()
    assert requisitions(sites) == before
