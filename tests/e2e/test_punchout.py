"""Classic PunchOut in a real Chromium against the demo's storefront (P26-P33).

The test plays the purchasing system: it POSTs a PunchOutSetupRequest with the demo's
credentials, opens the StartPage in the browser and receives the cart at a loopback
BrowserFormPost URL. With JavaScript the transfer page submits itself; without, its
button does.
"""

from __future__ import annotations

import threading
import urllib.parse
from collections.abc import Iterator
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from punchin.cxml import parse, serialize
from punchin.cxml.build import Parties, request
from punchin.cxml.common import URL, Extrinsic
from punchin.cxml.envelope import Message, Response
from punchin.cxml.punchout import (
    BrowserFormPost,
    BuyerCookie,
    PunchOutOrderMessage,
    PunchOutSetupRequest,
    PunchOutSetupResponse,
)
from punchin.cxml.validate import validate
from punchin.web import demo as logins
from tests.e2e.conftest import DESKTOP, Sites, screenshot
from tests.e2e.steps import search
from tests.e2e.visitor import post_document


class Receiver(ThreadingHTTPServer):
    """The purchasing system's BrowserFormPost URL: keeps each form posted to it."""

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.posted: list[dict[str, list[str]]] = []

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/punchout/return"


class _Handler(BaseHTTPRequestHandler):
    server: Receiver

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"]))
        self.server.posted.append(urllib.parse.parse_qs(body.decode()))
        page = b'<!DOCTYPE html><title>Requisition</title><h1 id="received">Cart received</h1>'
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(page)))
        self.end_headers()
        self.wfile.write(page)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    server = Receiver()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    thread.join(10)
    server.server_close()


def start_page(sites: Sites, receiver: Receiver, cookie: str) -> str:
    """Open a session as the demo's procurement would (its Sender and SharedSecret)."""
    parties = Parties(
        domain=logins.CREDENTIAL_DOMAIN,
        from_identity=logins.PROCUREMENT_IDENTITY,
        to_identity=logins.STORE_IDENTITY,
        sender_identity=logins.PROCUREMENT_IDENTITY,
        shared_secret=logins.SHARED_SECRET,
        user_agent="punchin e2e",
    )
    setup = PunchOutSetupRequest(
        operation="create",
        buyer_cookie=BuyerCookie(value=cookie),
        extrinsics=(Extrinsic(name="UserEmail", value=logins.PUNCHIN_BUYER),),
        browser_form_post=BrowserFormPost(url=URL(value=receiver.url)),
    )
    document = request(setup, parties, timestamp=datetime.now(UTC).replace(microsecond=0))
    status, answer = post_document(f"{sites.storefront.url}/cxml/punchout", serialize(document))
    assert status == 200, answer
    body = parse(answer).body
    assert isinstance(body, Response)
    assert isinstance(body.payload, PunchOutSetupResponse), answer
    return body.payload.start_page.url.value


def shop(page: Page, start: str) -> str:
    """Land, search, add the first result; the part added."""
    page.goto(start)
    expect(page.locator("#punchout-banner")).to_contain_text("Shopping for punchin procurement")
    search(page, "toner")
    card = page.locator("#results .product-card").first
    part_id = card.get_attribute("data-part")
    assert part_id
    card.locator(".add-button").click()
    expect(page.locator(".messages .success")).to_contain_text("added to your cart")
    page.click("#nav-cart")
    expect(page.locator("#proceed-to-checkout")).to_have_count(0)
    return part_id


def the_cart(receiver: Receiver, dtd_dir: Path) -> PunchOutOrderMessage:
    (posted,) = receiver.posted
    (raw,) = posted["cxml-urlencoded"]
    assert validate(raw.encode(), dtd_dir) == []
    message = parse(raw.encode()).body
    assert isinstance(message, Message)
    assert isinstance(message.payload, PunchOutOrderMessage)
    return message.payload


def test_the_cart_goes_back_by_itself(
    page: Page, sites: Sites, receiver: Receiver, dtd_dir: Path
) -> None:
    """The transfer page's script posts the form as soon as the page is read."""
    part_id = shop(page, start_page(sites, receiver, "e2e-cookie-1"))
    screenshot(page, "22-punchout-cart")
    page.click("#punchout-transfer-cart")
    expect(page.locator("#received")).to_have_text("Cart received")
    cart = the_cart(receiver, dtd_dir)
    assert cart.buyer_cookie.value == "e2e-cookie-1"
    assert cart.header.operation_allowed == "edit"
    assert [(i.item_id.supplier_part_id, i.quantity) for i in cart.items] == [(part_id, 1)]


def test_without_javascript_the_button_sends_the_cart(
    browser: Browser, sites: Sites, receiver: Receiver, dtd_dir: Path
) -> None:
    context = browser.new_context(viewport=DESKTOP, java_script_enabled=False)
    context.set_default_timeout(15_000)
    page = context.new_page()
    try:
        part_id = shop(page, start_page(sites, receiver, "e2e-cookie-2"))
        page.click("#punchout-banner-transfer")
        button = page.locator("#punchout-transfer-submit")
        expect(button).to_have_text("Transfer cart to punchin procurement")
        assert receiver.posted == []
        button.click()
        expect(page.locator("#received")).to_have_text("Cart received")
    finally:
        context.close()
    cart = the_cart(receiver, dtd_dir)
    assert cart.buyer_cookie.value == "e2e-cookie-2"
    assert [i.item_id.supplier_part_id for i in cart.items] == [part_id]
