"""Issue 12's attacks on the storefront, each test named after its attack (docs/security.md
rows 23, 24 and 26): an OrderRequest Total or Shipping of 1e20, pages without a
Content-Security-Policy, password guessing on the sign-in page and the admin's."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import timedelta
from typing import Any

import pytest
from axes.models import AccessAttempt
from django.db.models import F
from django.test import Client

from punchin.cxml.common import Total
from punchin.storefront.accounts.services import ensure_staff
from punchin.storefront.orders.models import PurchaseOrder
from punchin.storefront.submissions.models import PunchInSubmission
from punchin.web import demo
from punchin.web.testing import LiveASGIServer
from tests.bounds import columns_too_small
from tests.cxml import builders

from .conftest import Acme, Browser
from .factories import cart_items, from_procurement, order_request, post, status_of, submitted

HUGE = "100000000000000000000"


@pytest.fixture
def cart(acme: Acme, dev: Any) -> PunchInSubmission:
    acme.configure("http://127.0.0.1:9/cxml/punchin")
    return submitted(acme)


def _order_with(cart: PunchInSubmission, **header: Any) -> Any:
    order = order_request(cart_items(cart))
    return from_procurement(replace(order, header=replace(order.header, **header)), "po@p")


# --- row 24: numbers beyond the columns ----------------------------------------------------


@pytest.mark.parametrize(
    "header",
    [
        {"total": Total(money=builders.money(HUGE))},
        {"shipping": builders.shipping(HUGE)},
    ],
    ids=["Total", "Shipping"],
)
@pytest.mark.django_db(transaction=True)
def test_an_order_request_total_or_shipping_of_1e20_is_refused_and_the_pages_stay_up(
    cart: PunchInSubmission, storefront: LiveASGIServer, header: dict[str, Any]
) -> None:
    """Issue 12: 200, then ``/staff/orders/`` and the buyer's orders answered 500 for
    everyone. Now 400 naming the element and the limit, and nothing stored."""
    code, answer = post(storefront.url + "/cxml/order", _order_with(cart, **header))
    status = status_of(answer)
    assert (code, status.code) == (400, 400)
    assert (
        f"Money: '{HUGE}' has 21 digits before the decimal point; at most 9 are allowed"
    ) in status.detail
    assert not PurchaseOrder.objects.exists()
    ensure_staff(demo.FULFILMENT_STAFF, demo.PASSWORD, name="Fran Fulfilment")
    assert (
        Browser(storefront.url).sign_in(demo.FULFILMENT_STAFF).get("/staff/orders/").status == 200
    )
    assert Browser(storefront.url).sign_in(demo.PUNCHIN_BUYER).get("/orders/").status == 200


def test_every_decimal_column_holds_what_a_document_may_carry(db: None) -> None:
    assert columns_too_small() == []


# --- row 23: Content-Security-Policy ------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_every_storefront_page_sends_acontent_security_policy(
    cart: PunchInSubmission, storefront: LiveASGIServer
) -> None:
    """No page relies on inline script or style (the submission page's script and the
    staff list's filter are static files), so the policy allows neither."""
    ensure_staff(demo.FULFILMENT_STAFF, demo.PASSWORD, name="Fran Fulfilment")
    anonymous = Browser(storefront.url)
    buyer = Browser(storefront.url).sign_in(demo.PUNCHIN_BUYER)
    staff = Browser(storefront.url).sign_in(demo.FULFILMENT_STAFF)
    pages = {
        "/accounts/login/": anonymous,
        "/admin/login/": anonymous,
        "/": buyer,
        "/orders/": buyer,
        f"/punchin/submissions/{cart.pk}": buyer,
        "/staff/orders/": staff,
    }
    for path, browser in pages.items():
        reply = browser.get(path)
        assert reply.status == 200, path
        policy = reply.headers["content-security-policy"]
        for directive in (
            "default-src 'self'",
            "script-src 'self'",
            "frame-ancestors 'none'",
            "object-src 'none'",
        ):
            assert directive in policy, (path, policy)
        assert "form-action 'self' https:" in policy
        assert "unsafe-inline" not in policy
        page = reply.text
        assert re.search(r"<script(?![^>]*\bsrc=)", page) is None, path
        assert re.search(r"\son[a-z]+=", page) is None, path
        assert " style=" not in page, path


def test_forms_may_post_to_plain_http_partners_in_development_only() -> None:
    """PUNCHIN_DEV allows http partners on loopback (the demo), so their BrowserFormPost
    URLs too; a deployment's forms go to https targets only."""
    from punchin.web.settings_base import content_security_policy

    assert content_security_policy(False)["DIRECTIVES"]["form-action"] == ["'self'", "https:"]
    assert content_security_policy(True)["DIRECTIVES"]["form-action"] == [
        "'self'",
        "https:",
        "http:",
    ]


# --- row 26: password guessing ------------------------------------------------------------


def _cool_off_passes() -> None:
    AccessAttempt.objects.update(attempt_time=F("attempt_time") - timedelta(minutes=15, seconds=1))


@pytest.mark.django_db(transaction=True)
def test_password_guessing_on_the_sign_in_page_is_throttled(
    acme: Acme, storefront: LiveASGIServer
) -> None:
    """Over real HTTP (uvicorn, the ASGI middleware path): thirty wrong passwords, then
    the right one does not sign in; after the cool-off it does."""
    attacker = Browser(storefront.url)
    attacker.get("/accounts/login/")
    codes = [
        attacker.post(
            "/accounts/login/", {"username": demo.PUNCHIN_BUYER, "password": f"guess-{n}"}
        ).status
        for n in range(30)
    ]
    assert codes == [200] * 4 + [429] * 26
    locked = attacker.post(
        "/accounts/login/", {"username": demo.PUNCHIN_BUYER, "password": demo.PASSWORD}
    )
    assert locked.status == 429
    assert 'id="locked-out"' in locked.text
    assert "Sign-in paused" in locked.text
    assert "Punchin <span>Business</span>" in locked.text  # the site's layout
    assert attacker.get("/account/").status == 302  # still signed out

    _cool_off_passes()
    attacker.sign_in(demo.PUNCHIN_BUYER)
    assert attacker.get("/account/").status == 200


@pytest.mark.parametrize("path", ["/accounts/login/", "/admin/login/"])
def test_a_guesser_elsewhere_does_not_lock_the_real_user_out(
    acme: Acme, path: str, settings: Any
) -> None:
    ensure_staff(demo.FULFILMENT_STAFF, demo.PASSWORD, name="Fran Fulfilment")
    attacker = Client(REMOTE_ADDR="203.0.113.7")
    for n in range(30):
        attacker.post(path, {"username": demo.FULFILMENT_STAFF, "password": f"guess-{n}"})
    right = {"username": demo.FULFILMENT_STAFF, "password": demo.PASSWORD}
    assert attacker.post(path, right).status_code == 429
    assert Client(REMOTE_ADDR="198.51.100.20").post(path, right).status_code == 302
