"""Classic PunchOut, the storefront's side, over real HTTP (docs/protocol.md P26-P34).

The purchasing system POSTs PunchOutSetupRequests to the live storefront's
``/cxml/punchout``; a cookie-keeping browser uses the StartPage, shops and transfers
the cart; the transfer page's form is posted, as a browser would, to a loopback
BrowserFormPost receiver, which reads the PunchOutOrderMessage back and validates it
against the DTD.
"""

from __future__ import annotations

import base64
import urllib.parse
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from datetime import timedelta
from decimal import Decimal
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web
from django.utils import timezone

from punchin.cxml import parse, serialize
from punchin.cxml.common import (
    URL,
    Address,
    Contact,
    Country,
    Email,
    Extrinsic,
    ItemID,
    Name,
    PostalAddress,
    ShipTo,
    SupplierPartAuxiliaryID,
)
from punchin.cxml.delivery import DeliveryAddress, address_of
from punchin.cxml.envelope import Message, Response
from punchin.cxml.punchout import (
    BrowserFormPost,
    BuyerCookie,
    ItemOut,
    PunchOutOrderMessage,
    PunchOutSetupRequest,
    PunchOutSetupResponse,
)
from punchin.cxml.validate import validate
from punchin.storefront.accounts.models import BusinessAccount, BuyingGroup, Member
from punchin.storefront.accounts.services import ensure_member
from punchin.storefront.cart.models import CartLine
from punchin.storefront.documents.models import CxmlDocument
from punchin.storefront.integration.models import PurchasingSystem
from punchin.storefront.orders.models import InboundRequest, PurchaseOrder
from punchin.storefront.punchout import clock
from punchin.storefront.punchout.models import PunchOutSession, State
from punchin.web import demo
from punchin.web.testing import LiveASGIServer

from .conftest import Acme, Browser, FakeProcurement, product
from .factories import cart_items, from_procurement, order_request, post, status_of

pytestmark = pytest.mark.django_db(transaction=True)

RETURN_URL = "https://buyer.example/punchout/return?session=1&x=<a>"
COOKIE = 'sess-4711 "quoted" & <bracketed>'


def setup_request(
    operation: str = "create",
    *,
    email: str = demo.PUNCHIN_BUYER,
    cookie: str = COOKIE,
    form_post: str | None = RETURN_URL,
    items: tuple[ItemOut, ...] = (),
    contact: bool = True,
) -> PunchOutSetupRequest:
    """A setup request as a purchasing system sends it (P26-P29)."""
    return PunchOutSetupRequest(
        operation=operation,
        buyer_cookie=BuyerCookie(value=cookie),
        extrinsics=(Extrinsic(name="UserEmail", value=email),),
        browser_form_post=BrowserFormPost(url=URL(value=form_post)) if form_post else None,
        contacts=(
            Contact(
                role="endUser",
                name=Name(value="Pat Buyer", lang="en"),
                emails=(Email(value=email),),
            ),
        )
        if contact
        else (),
        items=items,
    )


def item_out(part_id: str, quantity: int, auxiliary: str | None = None, line: int = 1) -> ItemOut:
    return ItemOut(
        quantity=Decimal(quantity),
        line_number=line,
        item_id=ItemID(
            supplier_part_id=part_id,
            supplier_part_auxiliary_id=SupplierPartAuxiliaryID(value=auxiliary)
            if auxiliary is not None
            else None,
        ),
    )


@pytest.fixture
def system(acme: Acme, dev: Any) -> PurchasingSystem:
    """The demo account's purchasing system; its inbound credentials open sessions."""
    acme.punchin_group.punchout = True
    acme.punchin_group.save()
    return acme.configure("http://127.0.0.1:9/cxml/punchin")


def open_session(
    storefront: LiveASGIServer, request: PunchOutSetupRequest, payload_id: str, dtd_dir: Path
) -> str:
    """POST the setup request; the StartPage URL of the 200 answer (P30)."""
    code, answer = post(storefront.url + "/cxml/punchout", from_procurement(request, payload_id))
    assert code == 200, answer
    assert validate(answer, dtd_dir) == []
    body = parse(answer).body
    assert isinstance(body, Response)
    assert body.status.code == 200
    assert isinstance(body.payload, PunchOutSetupResponse)
    url = body.payload.start_page.url.value
    assert url.startswith(storefront.url + "/punchout/start/")
    return url


@dataclass
class Page(HTMLParser):
    """What a test needs of a page: its forms (action, method, fields) and scripts."""

    forms: list[dict[str, Any]] = field(default_factory=list)
    scripts: list[dict[str, str | None]] = field(default_factory=list)
    inline_script: bool = False

    def __post_init__(self) -> None:
        super().__init__()
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "form":
            self.forms.append({**values, "fields": {}})
        elif tag == "input" and self.forms and values.get("name"):
            self.forms[-1]["fields"][values["name"]] = values.get("value") or ""
        elif tag == "script":
            self.scripts.append(values)
            self._in_script = True

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._in_script = False

    def handle_data(self, data: str) -> None:
        if self._in_script and data.strip():
            self.inline_script = True


def page(html: str) -> Page:
    parsed = Page()
    parsed.feed(html)
    return parsed


@dataclass
class Returned:
    """The cart as the BrowserFormPost receiver read it."""

    field: str
    raw: bytes
    cart: PunchOutOrderMessage


def returned_cart(html: str, receiver: FakeProcurement | None = None) -> Returned:
    """Post the transfer page's form as the browser does (urlencoded, UTF-8) to the
    receiver, and read the cart from the one cXML field it got."""
    (form,) = (form for form in page(html).forms if form.get("id") == "punchout-transfer")
    if receiver is not None:
        receiver.received.clear()
        body = urllib.parse.urlencode(form["fields"]).encode()
        Browser(receiver.url).post(form["action"], form["fields"])
        posted = receiver.received[-1]
        assert posted.headers["Content-Type"] == "application/x-www-form-urlencoded"
        fields = dict(urllib.parse.parse_qsl(posted.body.decode(), keep_blank_values=True))
        assert posted.body == body
    else:
        fields = form["fields"]
    (name, value), *others = fields.items()
    assert others == []
    raw = base64.b64decode(value, validate=True) if name == "cxml-base64" else value.encode()
    message = parse(raw).body
    assert isinstance(message, Message)
    assert isinstance(message.payload, PunchOutOrderMessage)
    return Returned(name, raw, message.payload)


def receiving(procurement: Any) -> FakeProcurement:
    async def handler(request: web.Request) -> web.Response:
        return web.Response(
            text="<html><body>Cart received</body></html>", content_type="text/html"
        )

    return procurement(handler)


# --- the whole session ------------------------------------------------------------------


def test_a_create_session_shops_and_transfers_the_cart(
    acme: Acme,
    system: PurchasingSystem,
    storefront: LiveASGIServer,
    procurement: Any,
    dtd_dir: Path,
) -> None:
    """P26-P33: setup, StartPage, search, product, cart, no checkout, transfer; the
    cart arrives in cxml-urlencoded with the session's BuyerCookie, operationAllowed
    edit and lines with SupplierPartID and SupplierPartAuxiliaryID, DTD-valid."""
    receiver = receiving(procurement)
    start = open_session(storefront, setup_request(form_post=receiver.url), "po-setup-1@p", dtd_dir)
    session = PunchOutSession.objects.get()
    assert (session.operation, session.state, session.buyer_cookie) == ("create", "open", COOKIE)
    assert session.browser_form_post_url == receiver.url
    assert session.system == system
    assert session.setup_request.payload_id == "po-setup-1@p"

    browser = Browser(storefront.url)
    landed = browser.get(start)
    assert landed.status == 302
    assert landed.headers["location"] == "/"
    home = browser.get("/").text
    assert "Shopping for punchin procurement" in home
    assert 'id="punchout-banner-transfer"' in home
    assert 'id="punchout-banner-cancel"' in home
    assert "configured for Punch-in" not in home

    assert "OF-10001" in browser.get("/search?q=gel+pens").text
    product_page = browser.get("/products/OF-10001").text
    assert 'class="add-button"' in product_page
    browser.post("/cart/add", {"product": str(product("OF-10001").pk), "quantity": "3"})
    browser.post("/cart/add", {"product": str(product("IT-20001").pk)})
    cart_page = browser.get("/cart/").text
    assert "Proceed to checkout" not in cart_page
    assert "Transfer cart to punchin procurement" in cart_page
    for path in ("/checkout/", "/checkout/review"):
        refused = browser.get(path)
        assert (refused.status, refused.headers["location"]) == (302, "/cart/")
    assert "transfer the cart to it instead" in browser.get("/cart/").text
    # The session has a cart of its own; the buyer's own cart is left alone.
    assert not CartLine.objects.filter(cart__user=acme.buyer.user, cart__punchout=None).exists()

    transfer = browser.post(f"/punchout/{session.key}/transfer")
    assert transfer.status == 200, transfer.text
    assert "no-store" in transfer.headers["cache-control"]
    shown = page(transfer.text)
    assert not shown.inline_script
    assert [s.get("src") for s in shown.scripts] == ["/static/storefront/punchout-transfer.js"]
    (form,) = (form for form in shown.forms if form.get("id") == "punchout-transfer")
    assert (form["method"], form["action"]) == ("post", receiver.url)
    assert form["enctype"] == "application/x-www-form-urlencoded"
    assert list(form["fields"]) == ["cxml-urlencoded"]  # no CSRF token of ours leaves
    submit = 'id="punchout-transfer-submit">Transfer cart to punchin procurement</button>'
    assert submit in transfer.text
    assert "Shopping for punchin procurement" not in transfer.text  # the session ended

    back = returned_cart(transfer.text, receiver)
    assert back.field == "cxml-urlencoded"
    assert validate(back.raw, dtd_dir) == []
    assert b"SharedSecret" not in back.raw
    cart = back.cart
    assert cart.buyer_cookie.value == COOKIE
    assert cart.header.operation_allowed == "edit"
    assert cart.header.ship_to is None  # the setup request named no address (P41)
    assert (
        cart.header.total.money.amount == 3 * product("OF-10001").price + product("IT-20001").price
    )
    # Each line's SupplierPartAuxiliaryID names it, as in a Punch-in cart, so the
    # OrderRequest that follows finds this cart's lines (P32, P8).
    payload_id = parse(back.raw).payload_id
    lines = [
        (
            i.line_number,
            i.item_id.supplier_part_id,
            i.item_id.supplier_part_auxiliary_id,
            i.quantity,
        )
        for i in cart.items
    ]
    assert lines == [
        (1, "OF-10001", SupplierPartAuxiliaryID(value=f"{payload_id}:1"), 3),
        (2, "IT-20001", SupplierPartAuxiliaryID(value=f"{payload_id}:2"), 1),
    ]
    session.refresh_from_db()
    assert session.state == State.TRANSFERRED
    assert session.user == acme.buyer.user
    assert bytes(session.poom.raw) == back.raw  # stored before it was shown
    assert session.poom.direction == "out"
    assert session.poom.peer == str(system)

    again = browser.post(f"/punchout/{session.key}/transfer")
    assert again.status == 409
    assert "This cart was already transferred" in again.text
    assert "start again from punchin procurement" in again.text
    assert "Shopping for punchin procurement" not in browser.get("/").text


def test_a_session_cart_carries_the_ship_to_of_its_setup_request(
    system: PurchasingSystem, storefront: LiveASGIServer, dtd_dir: Path
) -> None:
    """P41: no checkout in a PunchOut session, so the cart carries what the session
    knows: the setup request's ShipTo (here as an Ariba test request writes it: an
    addressID, an empty State, no PostalCode, a city with an umlaut), no Shipping."""
    ship_to = ShipTo(
        address=Address(
            name=Name(value="Ariba User", lang="de"),
            address_id="001",
            postal_address=PostalAddress(
                deliver_to=("Ariba Unit",),
                street=("Teststrasse 42",),
                city="Zürich",
                state="",
                country=Country(value="Schweiz", iso_country_code="CH"),
            ),
        )
    )
    request = replace(setup_request(), ship_to=ship_to)
    start = open_session(storefront, request, "po-setup-shipto@p", dtd_dir)
    browser = Browser(storefront.url)
    browser.get(start)
    browser.post("/cart/add", {"product": str(product("OF-10001").pk)})
    session = PunchOutSession.objects.get()
    back = returned_cart(browser.post(f"/punchout/{session.key}/transfer").text)
    assert validate(back.raw, dtd_dir) == []
    header = back.cart.header
    assert header.ship_to is not None
    assert address_of(header.ship_to.address) == DeliveryAddress(
        name="Ariba User",
        deliver_to=("Ariba Unit",),
        street=("Teststrasse 42",),
        city="Zürich",
        country_code="CH",
        country="Schweiz",
        address_id="001",
    )
    assert header.shipping is None
    assert header.total.money.amount == product("OF-10001").price
    assert all(not item.extrinsics for item in back.cart.items)


def test_the_cart_goes_back_in_base64_when_the_system_asks(
    system: PurchasingSystem, storefront: LiveASGIServer, procurement: Any, dtd_dir: Path
) -> None:
    """P33: the cxml-base64 field, configured per purchasing system."""
    PurchasingSystem.objects.filter(pk=system.pk).update(punchout_cart_field="cxml-base64")
    receiver = receiving(procurement)
    start = open_session(storefront, setup_request(form_post=receiver.url), "b64@p", dtd_dir)
    browser = Browser(storefront.url)
    browser.get(start)
    browser.get("/")
    browser.post("/cart/add", {"product": str(product("LB-30001").pk), "quantity": "2"})
    session = PunchOutSession.objects.get()
    transfer = browser.post(f"/punchout/{session.key}/transfer").text

    back = returned_cart(transfer, receiver)
    assert back.field == "cxml-base64"
    assert validate(back.raw, dtd_dir) == []
    assert [(i.item_id.supplier_part_id, i.quantity) for i in back.cart.items] == [("LB-30001", 2)]
    assert bytes(PunchOutSession.objects.get().poom.raw) == back.raw


def test_cancel_returns_an_empty_cart(
    system: PurchasingSystem, storefront: LiveASGIServer, dtd_dir: Path
) -> None:
    """P34: no ItemIn, Total 0, Status 204 on the Message; the session ends."""
    start = open_session(storefront, setup_request(), "cancel@p", dtd_dir)
    browser = Browser(storefront.url)
    browser.get(start)
    browser.get("/")
    browser.post("/cart/add", {"product": str(product("OF-10001").pk)})
    session = PunchOutSession.objects.get()
    cancelled = browser.post(f"/punchout/{session.key}/cancel")
    assert cancelled.status == 200
    assert "Return to punchin procurement" in cancelled.text

    back = returned_cart(cancelled.text)
    assert validate(back.raw, dtd_dir) == []
    assert back.cart.items == ()
    assert back.cart.header.total.money.amount == 0
    assert back.cart.buyer_cookie.value == COOKIE
    message = parse(back.raw).body
    assert isinstance(message, Message)
    assert message.status is not None
    assert message.status.code == 204
    assert PunchOutSession.objects.get().state == State.CANCELLED
    assert browser.post(f"/punchout/{session.key}/transfer").status == 409


def test_the_setup_request_is_applied_once(
    system: PurchasingSystem, storefront: LiveASGIServer, dtd_dir: Path
) -> None:
    """The pipeline's idempotency: a resent setup request gets the same StartPage."""
    document = from_procurement(setup_request(), "once@p")
    first = post(storefront.url + "/cxml/punchout", document)
    second = post(storefront.url + "/cxml/punchout", document)
    assert first == second
    assert PunchOutSession.objects.count() == 1
    assert InboundRequest.objects.get().document_type == "PunchOutSetupRequest"


# --- the StartPage ----------------------------------------------------------------------


def test_the_start_page_works_once(
    system: PurchasingSystem, storefront: LiveASGIServer, dtd_dir: Path
) -> None:
    """P30: a one-time key; the second use says so, in words, and signs nobody in."""
    start = open_session(storefront, setup_request(), "once-start@p", dtd_dir)
    assert Browser(storefront.url).get(start).status == 302
    other = Browser(storefront.url)
    again = other.get(start)
    assert again.status == 410
    assert "This PunchOut link was already used" in again.text
    assert "Start shopping again from punchin procurement" in again.text
    assert other.get("/cart/").status == 302  # not signed in: to the login page
    unknown = other.get("/punchout/start/not-a-token")
    assert unknown.status == 404
    assert "This PunchOut link is not valid" in unknown.text


def test_of_tabs_racing_for_the_link_or_the_transfer_one_wins(
    system: PurchasingSystem, storefront: LiveASGIServer, dtd_dir: Path
) -> None:
    """The session's machine: one sign-in per link, one cart per session."""
    start = open_session(storefront, setup_request(), "race@p", dtd_dir)
    browsers = [Browser(storefront.url) for _ in range(4)]
    with ThreadPoolExecutor(4) as pool:
        landed = sorted(pool.map(lambda b: b.get(start).status, browsers))
    assert landed == [302, 410, 410, 410]
    (winner,) = (b for b in browsers if "Shopping for punchin procurement" in b.get("/").text)
    winner.post("/cart/add", {"product": str(product("OF-10001").pk)})
    key = PunchOutSession.objects.get().key
    with ThreadPoolExecutor(4) as pool:
        ended = sorted(
            pool.map(lambda _: winner.post(f"/punchout/{key}/transfer").status, range(4))
        )
    assert ended == [200, 409, 409, 409]
    assert CxmlDocument.objects.filter(document_type="PunchOutOrderMessage").count() == 1


def test_the_start_page_expires(
    system: PurchasingSystem,
    storefront: LiveASGIServer,
    dtd_dir: Path,
    monkeypatch: pytest.MonkeyPatch,
    settings: Any,
) -> None:
    """P30: the link works for PUNCHIN_PUNCHOUT_START_TTL seconds (5 minutes), then
    says it expired; the clock is moved, not waited for."""
    assert settings.PUNCHIN_PUNCHOUT_START_TTL == 300
    opened = timezone.now()
    monkeypatch.setattr(clock, "now", lambda: opened)
    late = open_session(storefront, setup_request(), "late@p", dtd_dir)
    in_time = open_session(storefront, setup_request(), "in-time@p", dtd_dir)
    assert (
        PunchOutSession.objects.filter(start_expires_at=opened + timedelta(seconds=300)).count()
        == 2
    )

    monkeypatch.setattr(clock, "now", lambda: opened + timedelta(seconds=299))
    assert Browser(storefront.url).get(in_time).status == 302
    monkeypatch.setattr(clock, "now", lambda: opened + timedelta(seconds=300))
    expired = Browser(storefront.url).get(late)
    assert expired.status == 410
    assert "This PunchOut link has expired" in expired.text
    assert "Links work for 5 minutes" in expired.text
    assert PunchOutSession.objects.get(setup_request__payload_id="late@p").state == State.OPEN


def test_a_user_is_created_just_in_time_only_when_the_account_allows_it(
    acme: Acme, system: PurchasingSystem, storefront: LiveASGIServer, dtd_dir: Path
) -> None:
    """P29: an unknown email is refused with what to ask the admin; with just-in-time
    creation on, it becomes a member of the group with Punchout user access."""
    newcomer = "new.buyer@acme.example"
    refused = Browser(storefront.url).get(
        open_session(storefront, setup_request(email=newcomer), "jit-off@p", dtd_dir)
    )
    assert refused.status == 403
    assert f"{newcomer} has no sign-in here for Acme Corporation yet" in refused.text
    assert "Ask your account admin at Acme Corporation" in refused.text
    assert "let PunchOut create new users" in refused.text
    assert not Member.objects.filter(user__username=newcomer).exists()

    PurchasingSystem.objects.filter(pk=system.pk).update(punchout_creates_users=True)
    punchout_only = BuyingGroup.objects.create(
        account=acme.account, name="PunchOut users", punchout=True
    )
    browser = Browser(storefront.url)
    landed = browser.get(
        open_session(storefront, setup_request(email=newcomer.upper()), "jit-on@p", dtd_dir)
    )
    assert landed.status == 302
    member = Member.objects.get(user__username=newcomer)
    assert member.account == acme.account
    assert list(member.groups.all()) == [punchout_only]  # the least-granting such group
    assert not member.user.has_usable_password()
    assert member.user.get_full_name() == "Pat Buyer"
    assert "Shopping for punchin procurement" in browser.get("/").text


def test_the_start_page_says_what_to_ask_the_admin(
    acme: Acme, system: PurchasingSystem, storefront: LiveASGIServer, dtd_dir: Path
) -> None:
    """Members without Punchout user access, sign-ins of another account, an account
    without a group for new users: a page each, nobody signed in."""
    PurchasingSystem.objects.filter(pk=system.pk).update(punchout_creates_users=True)
    cases = [
        (demo.DIRECT_BUYER, "may not shop here from your purchasing system yet", "Groups"),
        (
            "someone@acme.example",
            "Acme Corporation has no group for PunchOut users yet",
            "give one group Punchout user access",
        ),
    ]
    other = ensure_member(BusinessAccount.objects.create(name="Other Inc"), "x@other.example", "pw")
    cases.append(
        (other.user.username, "cannot shop here for Acme Corporation", "another business account")
    )
    BuyingGroup.objects.filter(account=acme.account).update(punchout=False)
    for number, (email, title, advice) in enumerate(cases):
        start = open_session(storefront, setup_request(email=email), f"ask-{number}@p", dtd_dir)
        shown = Browser(storefront.url).get(start)
        assert shown.status == 403, email
        assert title in shown.text
        assert advice in shown.text
    assert not PunchOutSession.objects.exclude(state=State.OPEN).exists()


# --- edit and inspect -------------------------------------------------------------------


def transferred(
    storefront: LiveASGIServer, dtd_dir: Path, payload_id: str, *parts: tuple[str, int]
) -> PunchOutOrderMessage:
    """A create session's cart as it went back to the purchasing system."""
    start = open_session(storefront, setup_request(), payload_id, dtd_dir)
    browser = Browser(storefront.url)
    browser.get(start)
    for part_id, quantity in parts:
        browser.post("/cart/add", {"product": str(product(part_id).pk), "quantity": str(quantity)})
    session = PunchOutSession.objects.get(setup_request__payload_id=payload_id)
    return returned_cart(browser.post(f"/punchout/{session.key}/transfer").text).cart


def test_edit_reopens_the_cart_from_its_item_out_lines(
    acme: Acme, system: PurchasingSystem, storefront: LiveASGIServer, dtd_dir: Path
) -> None:
    """P31: lines matched by SupplierPartID, else by the earlier cart's line our
    SupplierPartAuxiliaryID names; an unknown line is left out and the buyer told; the
    cart can change and goes back."""
    earlier = transferred(storefront, dtd_dir, "earlier@p", ("OF-10001", 2), ("IT-20001", 1))
    pens_line, hub_line = (i.item_id.supplier_part_auxiliary_id.value for i in earlier.items)  # type: ignore[union-attr]
    pens = product("OF-10001")
    items = (
        item_out("OF-10001", 2, pens_line, line=1),
        item_out("RENAMED-9", 1, hub_line, line=2),
        item_out("GONE-1", 4, line=3),
        item_out("OF-10001", 1, line=4),
        item_out("RENAMED-8", 1, f"{hub_line}0", line=5),  # no such line of ours
    )
    start = open_session(storefront, setup_request("edit", items=items), "edit@p", dtd_dir)
    browser = Browser(storefront.url)
    landed = browser.get(start)
    assert (landed.status, landed.headers["location"]) == (302, "/cart/")
    cart_page = browser.get("/cart/").text
    assert (
        "Not sold here any more, so not in your cart: ItemOut line 3 (GONE-1); "
        "ItemOut line 5 (RENAMED-8)." in cart_page
    )
    session = PunchOutSession.objects.get(setup_request__payload_id="edit@p")
    quantities = {
        line.product.supplier_part_id: line.quantity
        for line in CartLine.objects.filter(cart__punchout=session)
    }
    assert quantities == {"OF-10001": 3, "IT-20001": 1}
    line = CartLine.objects.get(cart__punchout=session, product=pens)
    browser.post("/cart/update", {"line": str(line.pk), "quantity": "5"})

    transfer = browser.post(f"/punchout/{session.key}/transfer").text
    back = returned_cart(transfer)
    assert validate(back.raw, dtd_dir) == []
    assert back.cart.header.operation_allowed == "edit"
    assert {(i.item_id.supplier_part_id, i.quantity) for i in back.cart.items} == {
        ("OF-10001", 5),
        ("IT-20001", 1),
    }


def test_inspect_shows_the_cart_read_only_and_returns_it_unchanged(
    system: PurchasingSystem, storefront: LiveASGIServer, dtd_dir: Path
) -> None:
    """P31, P32: nothing can be added or changed; Return sends the same cart with
    operationAllowed inspect."""
    items = (item_out("OF-10001", 2, line=1),)
    start = open_session(storefront, setup_request("inspect", items=items), "inspect@p", dtd_dir)
    browser = Browser(storefront.url)
    browser.get(start)
    cart_page = browser.get("/cart/").text
    assert "viewing an earlier cart" in cart_page
    assert 'action="/cart/update"' not in cart_page
    assert "Return to punchin procurement" in cart_page
    assert 'id="punchout-banner-cancel"' not in cart_page
    assert 'class="add-button"' not in browser.get("/products/OF-10002").text
    session = PunchOutSession.objects.get()
    line = CartLine.objects.get(cart__punchout=session)
    browser.post("/cart/add", {"product": str(product("OF-10002").pk)})
    browser.post("/cart/update", {"line": str(line.pk), "quantity": "9"})
    assert "open for viewing only" in browser.get("/cart/").text
    assert [
        (li.product.supplier_part_id, li.quantity)
        for li in CartLine.objects.filter(cart__punchout=session)
    ] == [("OF-10001", 2)]

    transfer = browser.post(f"/punchout/{session.key}/transfer").text
    back = returned_cart(transfer)
    assert validate(back.raw, dtd_dir) == []
    assert back.cart.header.operation_allowed == "inspect"
    assert [(i.item_id.supplier_part_id, i.quantity) for i in back.cart.items] == [("OF-10001", 2)]


# --- the purchase order that follows ------------------------------------------------------


def test_the_order_for_a_punchout_cart_is_matched_to_its_lines(
    system: PurchasingSystem, storefront: LiveASGIServer, dtd_dir: Path
) -> None:
    """P8, P32: the OrderRequest's lines find the PunchOut cart's lines by their
    SupplierPartAuxiliaryID, through the matching a Punch-in cart's take: the cart's
    terms hold, and a cart line is ordered once."""
    transferred(storefront, dtd_dir, "shop@p", ("OF-10001", 3), ("IT-20001", 1))
    session = PunchOutSession.objects.get()
    assert session.poom is not None
    items = cart_items(session.poom)
    order = from_procurement(order_request(items), "po-out@p")
    code, answer = post(storefront.url + "/cxml/order", order)

    assert code == 200, answer
    assert validate(answer, dtd_dir) == []
    lines = PurchaseOrder.objects.get(order_id="PO-1001").lines.all()
    assert [
        (ln.line_number, ln.cart_id, ln.cart_line, ln.submission_id, ln.supplier_part_id)
        for ln in lines
    ] == [(1, session.poom.pk, 1, None, "OF-10001"), (2, session.poom.pk, 2, None, "IT-20001")]
    assert [ln.quantity for ln in lines] == [3, 1]

    more = [replace(items[0], quantity=Decimal(4))]
    code, answer = post(
        storefront.url + "/cxml/order",
        from_procurement(order_request(more, order_id="PO-1002"), "po-more@p"),
    )
    assert code == 400
    assert "line 1 (OF-10001): quantity 4 exceeds the cart's 3" in status_of(answer).detail

    again = from_procurement(order_request(items[1:], order_id="PO-1003"), "po-again@p")
    code, answer = post(storefront.url + "/cxml/order", again)
    assert code == 409
    assert "is already ordered by PO PO-1001" in status_of(answer).detail

    # Another account's purchasing system finds no such cart line: carts are per account.
    PurchasingSystem.objects.create(
        account=BusinessAccount.objects.create(name="Globex"),
        endpoint_url="https://globex.example/cxml/punchin",
        credential_domain=demo.CREDENTIAL_DOMAIN,
        from_identity="a",
        to_identity="b",
        sender_identity="c",
        shared_secret="d",
        inbound_identity="GlobexProcurement",
        inbound_shared_secret="globex-secret",
    )
    theirs = from_procurement(
        order_request(items, order_id="G-1"),
        "po-globex@p",
        secret="globex-secret",
        sender="GlobexProcurement",
    )
    code, answer = post(storefront.url + "/cxml/order", theirs)
    assert code == 400
    assert "line 1 (OF-10001): no cart line" in status_of(answer).detail


# --- bad input --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("request_", "code", "says"),
    [
        (setup_request(form_post=None), 400, "BrowserFormPost is missing"),
        (setup_request(form_post="javascript:alert(1)"), 400, "is not an http or https URL"),
        (setup_request(cookie=""), 400, "BuyerCookie is empty"),
        (setup_request(cookie="x" * 2001), 400, "at most 2000 are accepted"),
        (setup_request("source"), 450, 'operation="source"'),
        (setup_request(email="", contact=False), 400, "the request names no user"),
        (setup_request(email="not-an-email"), 400, "is not an email address"),
        (
            setup_request("edit", items=(item_out("OF-10001", 0),)),
            400,
            "ItemOut line 1 (OF-10001): quantity 0 is not a whole number",
        ),
    ],
    ids=[
        "no-form-post",
        "javascript",
        "empty-cookie",
        "long-cookie",
        "source",
        "no-user",
        "bad-email",
        "zero-quantity",
    ],
)
def test_setup_requests_a_session_cannot_be_opened_for_are_refused(
    system: PurchasingSystem,
    storefront: LiveASGIServer,
    dtd_dir: Path,
    request_: PunchOutSetupRequest,
    code: int,
    says: str,
) -> None:
    status, answer = post(storefront.url + "/cxml/punchout", from_procurement(request_, "bad@p"))
    assert status == 400  # 450 travels in HTTP 400 too
    assert validate(answer, dtd_dir) == []
    assert status_of(answer).code == code
    assert says in status_of(answer).detail
    assert not PunchOutSession.objects.exists()


def test_a_missing_buyer_cookie_and_garbage_are_400_and_strangers_403(
    system: PurchasingSystem, storefront: LiveASGIServer
) -> None:
    url = storefront.url + "/cxml/punchout"
    document = from_procurement(setup_request(cookie="plain"), "no-cookie@p")
    without = serialize(document).replace(b"<BuyerCookie>plain</BuyerCookie>", b"")
    assert b"BuyerCookie" not in without
    status, answer = post(url, without)
    assert (status, status_of(answer).code) == (400, 400)
    assert "lacks required element BuyerCookie" in status_of(answer).detail

    status, answer = post(url, b"<html>not cXML</html>")
    assert (status, status_of(answer).code) == (400, 400)

    stranger = from_procurement(setup_request(), "stranger@p", secret="guess")
    status, answer = post(url, stranger)
    assert (status, status_of(answer).code) == (403, 403)
    assert status_of(answer).detail.startswith("the Sender credential is not recognised")
    assert not PunchOutSession.objects.exists()
    assert CxmlDocument.objects.filter(direction="in").count() == 3  # each one stored
