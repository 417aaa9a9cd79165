"""The parties' own pages driven without a browser, for tests where the pages are not
the point (the fault tests): cookies kept like a browser's, each form posted with the
values the page put in it plus what the person types.

Plain ``urllib`` and ``lxml.html``: synchronous, so it works beside Playwright's
event loop, and nothing here knows a party's internals, only its pages.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from http.cookiejar import CookieJar
from typing import Protocol
from urllib.error import HTTPError
from urllib.parse import urlencode
from urllib.request import HTTPCookieProcessor, build_opener

import lxml.html

from punchin import demo
from punchin.web import demo as logins


class Parties(Protocol):
    storefront: demo.Party
    procurement: demo.Party


@dataclass(frozen=True)
class Page:
    url: str
    html: lxml.html.HtmlElement

    def all(self, xpath: str) -> list[lxml.html.HtmlElement]:
        return list(self.html.xpath(xpath))

    def one(self, xpath: str) -> lxml.html.HtmlElement:
        found = self.all(xpath)
        assert len(found) == 1, f"{len(found)} matches for {xpath} on {self.url}"
        return found[0]

    def text(self, xpath: str) -> str:
        return " ".join(self.one(xpath).text_content().split())


class Visitor:
    """One person's browser profile: a cookie jar shared by both sites."""

    def __init__(self) -> None:
        self.jar = CookieJar()
        self.opener = build_opener(HTTPCookieProcessor(self.jar))

    def _open(self, url: str, data: bytes | None = None) -> Page:
        try:
            with self.opener.open(url, data=data, timeout=30) as answer:
                body = answer.read()
                landed = answer.geturl()
        except HTTPError as refused:
            detail = refused.read().decode(errors="replace")[:2000]
            raise AssertionError(f"{url} answered {refused.code}:\n{detail}") from None
        html = lxml.html.fromstring(body, base_url=landed)
        html.make_links_absolute(landed)
        return Page(landed, html)

    def get(self, url: str) -> Page:
        return self._open(url)

    def submit(self, page: Page, form: str, **typed: str) -> Page:
        """Post the form at XPath ``form`` as the page filled it in, with ``typed``."""
        element = page.one(form)
        values = {**dict(element.form_values()), **typed}
        return self._open(element.action or page.url, urlencode(values).encode())

    def post(self, url: str, party: str, **values: str) -> Page:
        """A POST no form on the page makes (the script's), with the CSRF token."""
        token = next(c.value for c in self.jar if c.name == f"{party}_csrftoken")
        return self._open(url, urlencode({"csrfmiddlewaretoken": token, **values}).encode())


def post_document(url: str, body: bytes) -> tuple[int, bytes]:
    """POST a cXML document as a partner's server does: no cookies, no form."""
    opener = build_opener()
    opener.addheaders = [("Content-Type", "text/xml; charset=UTF-8")]
    with opener.open(url, data=body, timeout=30) as answer:
        return answer.status, answer.read()


def sign_in(visitor: Visitor, parties: Parties, email: str) -> None:
    """The storefront's sign-in (P1)."""
    page = visitor.get(f"{parties.storefront.url}/accounts/login/")
    page = visitor.submit(
        page, "//form[@id='signin-form']", username=email, password=logins.PASSWORD
    )
    assert page.all("//*[@id='nav-signout']"), f"{email} could not sign in"


def log_in(visitor: Visitor, parties: Parties, email: str) -> None:
    """Procurement's log-in."""
    page = visitor.get(f"{parties.procurement.url}/accounts/login/")
    page = visitor.submit(
        page, "//form[@id='password-login']", username=email, password=logins.PASSWORD
    )
    assert page.all(f"//button[contains(., 'Log out {email}')]"), f"{email} could not log in"


def punch_in(parties: Parties, words: str, quantity: int) -> tuple[Visitor, str]:
    """The buyer puts ``quantity`` of the first product found for ``words`` in the cart,
    submits it for approval (P3-P6), lands on procurement's StartPage, logs in (P7) and
    submits the requisition with its cost coding. Returns the buyer and its number."""
    buyer = Visitor()
    store = parties.storefront.url
    sign_in(buyer, parties, logins.PUNCHIN_BUYER)
    found = buyer.get(f"{store}/search?{urlencode({'q': words})}")
    card = "(//*[@id='results']//form[contains(@class, 'add-to-cart')])[1]"
    buyer.submit(found, card, quantity=str(quantity))
    checkout = buyer.get(f"{store}/checkout/")
    group = checkout.one("//label[contains(., 'Procurement buyers')]/input[@name='group']")
    review = buyer.submit(
        checkout,
        "//form[@id='checkout-form']",
        group=group.get("value"),
        ship_name="Acme Corporation",
        deliver_to="Receiving dock 3",
        street="100 Main Street",
        city="Springfield",
        state="IL",
        postal_code="62701",
        country="US",
        payment_method="po",
        delivery_speed="two-day",
    )
    page = buyer.submit(review, "//form[.//*[@id='place-order']]")
    # The page's script would now ask for the attempt; without it, its fallback.
    landing = buyer.post(f"{page.url}/attempt", "storefront")
    assert "/punchin/land/" in landing.url, f"no StartPage: {landing.url}"
    requisition = buyer.submit(landing, "//form[@id='password-login']", password=logins.PASSWORD)
    number = requisition.url.rstrip("/").rsplit("/", 1)[-1]
    submitted = buyer.submit(
        requisition, "//form[@id='submit-form']", cost_centre="CC-4100", gl_account="6420"
    )
    assert submitted.text("//*[@id='requisition-status']") == "Submitted for approval"
    return buyer, number


def approve(parties: Parties, number: str) -> None:
    """The approver approves requisition ``number`` with a comment."""
    approver = Visitor()
    log_in(approver, parties, logins.APPROVER)
    review = approver.get(f"{parties.procurement.url}/approvals/{number}/")
    done = approver.submit(
        review, "//form[@id='decision']", decision="approve", comment="Go ahead."
    )
    assert "approved" in done.text("//ul[contains(@class, 'messages')]")


def purchase_order(parties: Parties, buyer: Visitor, requisition: str) -> str:
    """The number of the purchase order made of the buyer's approved requisition."""
    page = buyer.get(f"{parties.procurement.url}/requisitions/{requisition}/")
    return page.text("//*[@id='purchase-order']")


def eventually(check: Callable[[], bool], what: str, timeout: float = 30.0) -> None:
    """Poll ``check`` until it holds: the workers deliver in the background."""
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError(f"{what}: not within {timeout:.0f} s")
        time.sleep(0.2)
