"""Issue 12's attacks on procurement, each test named after its attack (docs/security.md
rows 23, 24 and 26): a script URL in a ship notice, numbers too large for any column,
password guessing on the login page and the admin's; and a 500 leaves its traceback."""

from __future__ import annotations

import logging
import re
import sys
from dataclasses import replace
from datetime import timedelta
from typing import Any

import pytest
from axes.models import AccessAttempt
from django.db.models import F
from django.test import Client
from django.urls import reverse

from punchin.cxml.fulfill import ShipmentIdentifier
from punchin.procurement.orders.models import Invoice, Shipment
from punchin.web import demo
from punchin.web.links import external_link, http_url
from punchin.web.testing import LiveASGIServer
from tests.bounds import columns_too_small
from tests.procurement import flow
from tests.procurement.test_fulfilment import invoice, send, server, ship_notice, status_of
from tests.signin import login

__all__ = ["server"]  # the live procurement fixture, shared with test_fulfilment

SCRIPT_URL = "javascript:alert(document.domain)//"


def _with_tracking(notice: Any, url: str) -> Any:
    control = notice.ship_controls[0]
    tracked = ShipmentIdentifier(value="1Z999AA10123456784", tracking_url=url)
    return replace(notice, ship_controls=(replace(control, shipment_identifiers=(tracked,)),))


def _signed_in(email: str = demo.PUNCHIN_BUYER) -> Client:
    client = Client()
    assert login(client, username=email, password=demo.PASSWORD)
    return client


# --- row 23: partner URLs shown as links -------------------------------------------------


def test_stored_xss_through_a_ship_notice_tracking_url(server: LiveASGIServer) -> None:
    """The attack of issue 12: a real ShipNoticeRequest whose trackingURL is a script.
    The notice is accepted (the URL is kept as the supplier wrote it), and the PO page
    shows the tracking number as text, with no ``javascript:`` link anywhere."""
    order = flow.approved()
    notice = _with_tracking(ship_notice(order, "SHIP-XSS", {1: "2"}), SCRIPT_URL)
    answer, _ = send(server, notice)
    assert status_of(answer)[0] == 200
    assert Shipment.objects.get(order=order).tracking_url == SCRIPT_URL

    page = _signed_in().get(reverse("orders:detail", args=[order.number])).content.decode()
    assert "1Z999AA10123456784" in page
    assert "javascript:" not in page.lower()
    hrefs = re.findall(r'href="([^"]*)"', page)
    assert hrefs
    assert all(h.startswith(("/", "http://", "https://")) for h in hrefs), hrefs


def test_a_tracking_url_over_https_is_a_link(server: LiveASGIServer) -> None:
    order = flow.approved()
    url = "https://carrier.example/track?n=1Z999AA10123456784&lang=en"
    send(server, _with_tracking(ship_notice(order, "SHIP-OK", {1: "2"}), url))
    page = _signed_in().get(reverse("orders:detail", args=[order.number])).content.decode()
    assert (
        '<a href="https://carrier.example/track?n=1Z999AA10123456784&amp;lang=en" '
        'rel="noopener noreferrer">1Z999AA10123456784</a>'
    ) in page


@pytest.mark.parametrize(
    "url",
    [
        SCRIPT_URL,
        "JavaScript:alert(1)",
        " javascript:alert(1)",
        "java\tscript:alert(1)",
        "javascript\n:alert(1)",
        "data:text/html,<script>alert(1)</script>",
        "vbscript:msgbox(1)",
        "//evil.example/x",
        "/orders/",
        "track?n=1",
        "https:evil.example",
        "https://",
        "http://[::1",
        "",
    ],
)
def test_a_partner_url_that_is_not_http_is_shown_as_text(url: str) -> None:
    assert http_url(url) == ""
    assert external_link(url, "<b>1Z9</b>") == "&lt;b&gt;1Z9&lt;/b&gt;"


@pytest.mark.parametrize("url", ["https://carrier.example/t?n=1", "HTTP://carrier.example"])
def test_a_partner_url_over_http_or_https_is_a_link(url: str) -> None:
    assert http_url(url) == url
    assert external_link(url, "1Z9") == f'<a href="{url}" rel="noopener noreferrer">1Z9</a>'


def test_every_procurement_page_sends_a_content_security_policy(seeded: None) -> None:
    """Scripts and styles from this site only, no framing, forms to https targets (a
    PunchOut BrowserFormPost goes to the partner's host); the spend charts' one
    ``<style>`` carries the page's nonce."""
    flow.approved()
    anonymous = Client()
    buyer = _signed_in()
    finance = _signed_in(demo.FINANCE)
    admin = _signed_in(demo.PROCUREMENT_ADMIN)
    pages = [
        anonymous.get(reverse("accounts:login")),
        anonymous.get("/admin/login/"),
        buyer.get(reverse("requisitions:list")),
        buyer.get(reverse("orders:list")),
        finance.get(reverse("spend:overview")),
        admin.get("/admin/"),
    ]
    for page in pages:
        assert page.status_code == 200
        policy = page.headers["Content-Security-Policy"]
        for directive in (
            "default-src 'self'",
            "frame-ancestors 'none'",
            "object-src 'none'",
            "base-uri 'none'",
        ):
            assert directive in policy
        assert re.search(r"script-src 'self'(;|$)", policy), policy
        assert re.search(r"form-action 'self' https:", policy), policy
        assert "unsafe-inline" not in policy
    spend = pages[4]
    nonce = re.search(r"style-src 'self' 'nonce-([^']+)'", spend.headers["Content-Security-Policy"])
    assert nonce is not None
    styles = re.findall(r"<style[^>]*>", spend.content.decode())
    assert styles
    assert all(f'nonce="{nonce.group(1)}"' in s for s in styles), styles
    assert "<script" not in spend.content.decode()


# --- row 24: numbers beyond the columns ----------------------------------------------------


def test_an_invoice_line_quantity_of_1e20_is_refused_and_the_pages_stay_up(
    server: LiveASGIServer,
) -> None:
    """Issue 12: 200 for a 1e20 quantity, then the PO page, the reconciliation list and
    the spend page answered 500 for everyone. Now 400 naming the element and the limit."""
    order = flow.approved()
    huge = "100000000000000000000"
    answer, _ = send(server, invoice(order, {1: (huge, "4.50"), 2: ("1.5", "2.20")}))
    code, detail = status_of(answer)
    assert (answer.status, code) == (400, 400)
    assert (
        f"InvoiceDetailItem quantity: '{huge}' has 21 digits before the decimal point; "
        "at most 9 are allowed"
    ) in detail
    assert not Invoice.objects.exists()
    buyer, finance = _signed_in(), _signed_in(demo.FINANCE)
    assert buyer.get(reverse("orders:detail", args=[order.number])).status_code == 200
    for path in (reverse("orders:reconciliation"), reverse("spend:overview")):
        assert finance.get(path).status_code == 200


def test_an_invoice_price_with_thirty_decimal_places_is_refused(server: LiveASGIServer) -> None:
    order = flow.approved()
    answer, _ = send(server, invoice(order, {1: ("2", "4." + "1" * 30)}))
    code, detail = status_of(answer)
    assert code == 400
    assert "has 30 decimal places; at most 4 are allowed" in detail


def test_every_decimal_column_holds_what_a_document_may_carry(db: None) -> None:
    assert columns_too_small() == []


# --- row 22: a crash is logged ----------------------------------------------------------


def test_a_500_is_logged_with_its_traceback(
    db: None, settings: Any, caplog: pytest.LogCaptureFixture
) -> None:
    """Issue 12: pages answered 500 "and no log says why"."""
    settings.ROOT_URLCONF = "tests.failing_urls"
    with caplog.at_level(logging.ERROR, logger="django.request"):
        answer = Client(raise_request_exception=False).get("/fail/")
    assert answer.status_code == 500
    [record] = [r for r in caplog.records if r.name == "django.request"]
    assert record.levelno == logging.ERROR
    assert record.exc_info is not None
    assert isinstance(record.exc_info[1], RuntimeError)
    assert "a bug in a view" in caplog.text
    # ... and the configured handler writes it to stderr, where the service log is.
    handlers = logging.getLogger("django.request").handlers
    assert any(getattr(h, "stream", None) is sys.stderr for h in handlers), handlers


# --- row 26: password guessing ------------------------------------------------------------


def _guess(client: Client, path: str, email: str, password: str) -> Any:
    return client.post(path, {"username": email, "password": password})


def _cool_off_passes() -> None:
    """Fifteen minutes and a second later, for every recorded failure."""
    AccessAttempt.objects.update(attempt_time=F("attempt_time") - timedelta(minutes=15, seconds=1))


@pytest.mark.parametrize("path", ["/accounts/login/", "/admin/login/"])
def test_password_guessing_on_the_login_pages_is_throttled(db: None, path: str) -> None:
    """Thirty wrong passwords, then the right one does not log in from that address;
    the real user elsewhere still can; after the cool-off the right one works here too."""
    call_seed()
    attacker = Client(REMOTE_ADDR="203.0.113.7")
    email = demo.PROCUREMENT_ADMIN  # staff, so the admin's login would take it too
    answers = [_guess(attacker, path, email, f"guess-{n}") for n in range(30)]
    assert [a.status_code for a in answers[:4]] == [200] * 4  # the form again, with the error
    assert {a.status_code for a in answers[4:]} == {429}
    locked = _guess(attacker, path, email, demo.PASSWORD)
    assert locked.status_code == 429
    page = locked.content.decode()
    assert 'id="locked-out"' in page
    assert "paused for 15 minutes" in page
    assert "punchin procurement" in page  # in the site's layout
    assert "_auth_user_id" not in attacker.session
    assert attacker.get("/admin/").status_code == 302

    colleague = Client(REMOTE_ADDR="198.51.100.20")
    assert _guess(colleague, path, email, demo.PASSWORD).status_code == 302

    _cool_off_passes()
    assert _guess(attacker, path, email, demo.PASSWORD).status_code == 302
    assert "_auth_user_id" in attacker.session


def test_guessing_across_many_accounts_from_one_address_is_throttled(db: None) -> None:
    """Four wrong passwords on each of thirteen accounts stay under the per-account
    limit, but fifty failures from one address lock that address."""
    call_seed()
    attacker = Client(REMOTE_ADDR="203.0.113.8")
    path = reverse("accounts:login")
    codes = [
        _guess(attacker, path, f"user{n // 4}@acme.example", f"guess-{n}").status_code
        for n in range(50)
    ]
    assert codes[:49] == [200] * 49
    assert codes[49] == 429
    assert _guess(attacker, path, demo.APPROVER, demo.PASSWORD).status_code == 429
    assert _guess(Client(), path, demo.APPROVER, demo.PASSWORD).status_code == 302


def test_the_email_is_one_account_whatever_its_case(db: None) -> None:
    call_seed()
    attacker = Client(REMOTE_ADDR="203.0.113.9")
    path = reverse("accounts:login")
    for n in range(5):
        email = demo.APPROVER.upper() if n % 2 else demo.APPROVER
        _guess(attacker, path, email, f"guess-{n}")
    assert _guess(attacker, path, demo.APPROVER, demo.PASSWORD).status_code == 429


def call_seed() -> None:
    from django.core.management import call_command

    call_command("seed_demo", storefront_url="http://127.0.0.1:8001")
