"""docs/checkout.md "Estimates": before the buyer commits, checkout shows the sales tax
the store expects (a store-wide rate, Decimal, rounded half up to the cent) and when
each delivery speed arrives (business days from an injected clock); the cart carries
the tax as its header's Tax, counted in its Total, and a direct order keeps it."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import Client

from punchin.cxml import parse
from punchin.cxml.envelope import Message
from punchin.cxml.punchout import PunchOutOrderMessage
from punchin.cxml.validate import validate
from punchin.storefront import settings as storefront_settings
from punchin.storefront.cart import estimates
from punchin.storefront.cart import services as cart
from punchin.storefront.orders.forms import InvoiceForm
from punchin.web import demo
from tests.signin import login

from .conftest import Acme, product
from .factories import ADDRESS_FORM, placed, submitted

RATE = Decimal("6.25")
WEDNESDAY = date(2026, 12, 2)


@pytest.fixture
def taxed(settings: Any) -> Decimal:
    settings.PUNCHIN_SALES_TAX_PERCENT = RATE
    return RATE


@pytest.fixture
def clock(monkeypatch: Any) -> date:
    monkeypatch.setattr(estimates, "today", lambda: WEDNESDAY)
    return WEDNESDAY


def _signed_in(email: str) -> Client:
    client = Client()
    login(client, email, demo.PASSWORD)
    return client


def _checked_out(acme: Acme, speed: str = "next-day") -> Client:
    cart.add(acme.buyer.user, product("OF-10001"), 2)  # 2 x 14.49 = 28.98
    client = _signed_in(demo.PUNCHIN_BUYER)
    reply = client.post(
        "/checkout/",
        {"group": acme.punchin_group.pk, **ADDRESS_FORM, "payment_method": "po"}
        | {"delivery_speed": speed},
    )
    assert reply.status_code == 302
    return client


@pytest.mark.parametrize(
    ("ordered_on", "days", "arrives"),
    [
        (date(2026, 12, 2), 1, date(2026, 12, 3)),  # Wednesday: Thursday
        (date(2026, 12, 4), 1, date(2026, 12, 7)),  # Friday: Monday
        (date(2026, 12, 5), 1, date(2026, 12, 7)),  # Saturday: Monday
        (date(2026, 12, 6), 2, date(2026, 12, 8)),  # Sunday: Tuesday
        (date(2026, 12, 2), 5, date(2026, 12, 9)),  # over a weekend
    ],
)
def test_delivery_counts_business_days(ordered_on: date, days: int, arrives: date) -> None:
    assert estimates.business_days_after(ordered_on, days) == arrives


def test_the_arrival_is_said_in_the_buyers_words() -> None:
    assert estimates.arrival("next-day", WEDNESDAY).words() == "Thursday 3 December"
    assert (
        estimates.arrival("standard", WEDNESDAY).words()
        == "between Monday 7 and Wednesday 9 December"
    )
    assert (
        estimates.arrival("standard", date(2026, 12, 28)).words()
        == "between Thursday 31 December and Monday 4 January"
    )


def test_tax_is_rounded_half_up_to_the_cent() -> None:
    assert estimates.sales_tax(Decimal("0.10"), Decimal(5)) == Decimal("0.01")  # 0.005
    assert estimates.sales_tax(Decimal("28.98"), RATE) == Decimal("1.81")  # 1.81125
    assert estimates.sales_tax(Decimal("28.98"), Decimal("8.875")) == Decimal("2.57")


def test_checkout_shows_the_tax_and_each_speeds_date_before_the_buyer_commits(
    acme: Acme, taxed: Decimal, clock: date
) -> None:
    cart.add(acme.buyer.user, product("OF-10001"), 2)
    page = _signed_in(demo.PUNCHIN_BUYER).get("/checkout/").content.decode()
    assert 'id="estimate-tax">$1.81 USD <span class="muted">(6.25 % of the lines)' in page
    assert "Next day: 25.00 USD, arrives Thursday 3 December</label>" in page


def test_the_review_adds_the_tax_and_names_the_day(acme: Acme, taxed: Decimal, clock: date) -> None:
    review = _checked_out(acme).get("/checkout/review").content.decode()
    assert 'id="summary-arrival">Thursday 3 December</dd>' in review
    assert 'id="review-tax">$1.81</span>' in review
    assert f'id="review-total">${Decimal("28.98") + Decimal("25.00") + Decimal("1.81")}<' in review


def test_without_a_rate_checkout_says_the_invoice_shows_the_tax(acme: Acme, clock: date) -> None:
    review = _checked_out(acme).get("/checkout/review").content.decode()
    assert "review-tax" not in review
    assert "Tax, if any, is shown on the invoice." in review
    assert f'id="review-total">${Decimal("28.98") + Decimal("25.00")}<' in review


def _header(raw: bytes) -> Any:
    body = parse(raw).body
    assert isinstance(body, Message)
    assert isinstance(body.payload, PunchOutOrderMessage)
    return body.payload.header


def test_the_cart_carries_the_tax_in_its_header_and_total(
    acme: Acme, taxed: Decimal, dev: Any, dtd_dir: Path
) -> None:
    acme.configure("http://127.0.0.1:9/cxml/punchin")
    submission = submitted(acme, items=(("OF-10001", 2),), speed="two-day")
    raw = bytes(submission.poom.document.raw)
    assert validate(raw, dtd_dir) == []
    header = _header(raw)
    assert header.tax.money.amount == Decimal("1.81")
    (detail,) = header.tax.details
    assert (detail.percentage_rate, detail.taxable_amount.money.amount) == (RATE, Decimal("28.98"))
    assert header.total.money.amount == Decimal("28.98") + Decimal("12.00") + Decimal("1.81")
    assert submission.total == header.total.money.amount


def test_without_a_rate_the_cart_has_no_tax(acme: Acme, dev: Any) -> None:
    acme.configure("http://127.0.0.1:9/cxml/punchin")
    raw = bytes(submitted(acme, items=(("OF-10001", 2),)).poom.document.raw)
    assert _header(raw).tax is None
    assert b"<Tax>" not in raw


def test_a_direct_order_keeps_the_estimated_tax_in_its_total(acme: Acme, taxed: Decimal) -> None:
    order = placed(acme)  # 2 x 14.49, two-day
    assert order.tax == Decimal("1.81")
    assert order.total == Decimal("28.98") + Decimal("12.00") + Decimal("1.81")
    page = _signed_in(demo.DIRECT_BUYER).get(f"/orders/{order.pk}").content.decode()
    assert re.search(r'id="order-tax">Estimated tax: \$1\.81 USD', page)


def test_the_invoice_starts_from_the_rate_checkout_estimated_with(taxed: Decimal) -> None:
    assert InvoiceForm.base_fields["tax_rate"].initial() == RATE  # type: ignore[operator]


@pytest.mark.parametrize("value", ["abc", "-1", "101", "6.2501", "NaN", "Infinity"])
def test_a_bad_rate_stops_the_store_saying_what_to_set(monkeypatch: Any, value: str) -> None:
    monkeypatch.setenv("PUNCHIN_SALES_TAX_PERCENT", value)
    with pytest.raises(ImproperlyConfigured, match="from 0 to 100 with at most three decimals"):
        storefront_settings._percent("PUNCHIN_SALES_TAX_PERCENT")


def test_a_rate_is_read_as_a_decimal(monkeypatch: Any) -> None:
    monkeypatch.setenv("PUNCHIN_SALES_TAX_PERCENT", " 6.25 ")
    assert storefront_settings._percent("PUNCHIN_SALES_TAX_PERCENT") == RATE
    monkeypatch.setenv("PUNCHIN_SALES_TAX_PERCENT", "")
    assert storefront_settings._percent("PUNCHIN_SALES_TAX_PERCENT") is None
