"""What the buyer chose at checkout (docs/protocol.md P41, docs/checkout.md): the
checkout asks for it and prices it, the PunchOut cart echoes what its session knows,
and an OrderRequest is checked against the carts it orders from: their Shipping must be
paid, a changed ShipTo or payment method is accepted and flagged for the staff."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from punchin.cxml import parse
from punchin.cxml.build import LANG
from punchin.cxml.common import Description, Extrinsic, Money, Shipping, ShipTo
from punchin.cxml.delivery import PAYMENT_METHOD, address_element
from punchin.cxml.envelope import Document, Message
from punchin.cxml.order import OrderRequest
from punchin.cxml.punchout import PunchOutOrderMessage
from punchin.cxml.validate import validate
from punchin.storefront.accounts.services import ensure_staff
from punchin.storefront.cart import estimates
from punchin.storefront.cart import services as cart
from punchin.storefront.cart.models import Order
from punchin.storefront.orders.models import PurchaseOrder
from punchin.storefront.submissions.models import PunchInSubmission
from punchin.web import demo
from punchin.web.testing import LiveASGIServer
from tests.signin import login

from .conftest import Acme, Browser, product
from .factories import (
    ADDRESS,
    ADDRESS_FORM,
    cart_items,
    from_procurement,
    order_request,
    post,
    status_of,
    submitted,
)

pytestmark = pytest.mark.django_db(transaction=True)

TWO_DAY = Decimal("12.00")
CART_SHIP_TO = ShipTo(address=address_element(ADDRESS))


@pytest.fixture
def two_day(acme: Acme, dev: Any) -> PunchInSubmission:
    """A cart the buyer checked out for two-day delivery (12.00 USD), paying by PO."""
    acme.configure("http://127.0.0.1:9/cxml/punchin")
    return submitted(acme, speed="two-day")


def ordered(
    submission: PunchInSubmission,
    *,
    shipping: Decimal | None = TWO_DAY,
    ship_to: ShipTo | None = CART_SHIP_TO,
    payment: str = "",
) -> Document:
    """The OrderRequest a purchasing system sends for the whole cart."""
    base = order_request(cart_items(submission))
    header = replace(
        base.header,
        ship_to=ship_to,
        shipping=Shipping(
            money=Money(amount=shipping, currency="USD"),
            description=Description(text="Shipping", lang=LANG),
        )
        if shipping is not None
        else None,
        extrinsics=(Extrinsic(name=PAYMENT_METHOD, value=payment),) if payment else (),
    )
    return from_procurement(OrderRequest(header=header, items=base.items), "po-1@procurement")


def answer_of(storefront: LiveASGIServer, document: Document) -> tuple[int, str]:
    code, answer = post(storefront.url + "/cxml/order", document)
    status = status_of(answer)
    return code, f"{status.code} {status.detail}"


def test_an_order_paying_the_carts_shipping_is_accepted_with_its_speed(
    two_day: PunchInSubmission, storefront: LiveASGIServer, dtd_dir: Path
) -> None:
    code, answer = post(storefront.url + "/cxml/order", ordered(two_day))
    assert code == 200, answer
    assert validate(answer, dtd_dir) == []
    order = PurchaseOrder.objects.get()
    assert order.delivery == "Two-day"
    assert order.shipping == TWO_DAY
    assert order.attention == ""
    assert order.ship_to == ADDRESS.text(home="US")


def test_an_order_without_the_carts_shipping_charge_is_refused_saying_what_to_send(
    two_day: PunchInSubmission, storefront: LiveASGIServer
) -> None:
    code, says = answer_of(storefront, ordered(two_day, shipping=None))
    assert code == 400
    assert f"Shipping is missing: the cart {two_day.payload_id} charges 12.00 USD" in says
    assert "(Two-day); send it as OrderRequestHeader/Shipping" in says
    assert not PurchaseOrder.objects.exists()


def test_an_order_paying_another_shipping_amount_is_refused(
    two_day: PunchInSubmission, storefront: LiveASGIServer
) -> None:
    code, says = answer_of(storefront, ordered(two_day, shipping=Decimal("4.95")))
    assert code == 400
    assert f"Shipping 4.95 USD differs from the 12.00 USD the cart {two_day.payload_id}" in says
    assert not PurchaseOrder.objects.exists()


def test_free_delivery_needs_no_shipping_in_the_order(
    acme: Acme, dev: Any, storefront: LiveASGIServer
) -> None:
    acme.configure("http://127.0.0.1:9/cxml/punchin")
    free = submitted(acme)  # standard: 0.00
    code, says = answer_of(storefront, ordered(free, shipping=None))
    assert code == 200, says
    assert PurchaseOrder.objects.get().delivery == "Standard (3-5 business days)"


def test_a_changed_ship_to_is_accepted_and_flagged_for_the_staff(
    two_day: PunchInSubmission, storefront: LiveASGIServer
) -> None:
    elsewhere = ShipTo(address=address_element(replace(ADDRESS, city="Shelbyville")))
    code, says = answer_of(storefront, ordered(two_day, ship_to=elsewhere))
    assert code == 200, says
    difference = "City 'Shelbyville' (the cart's: 'Springfield')"
    assert (
        f"the store will check before shipping: ShipTo differs from cart {two_day.payload_id}"
        in says
    )
    assert difference in says
    order = PurchaseOrder.objects.get()
    assert difference in order.attention
    assert "Shelbyville" in order.ship_to  # the buyer's system has the last word
    ensure_staff(demo.FULFILMENT_STAFF, demo.PASSWORD, name="Fran Fulfilment")
    staff = Browser(storefront.url).sign_in(demo.FULFILMENT_STAFF)
    page = staff.get(f"/staff/orders/{order.pk}/").text
    assert 'id="order-attention"><strong>Check before shipping:</strong>' in page
    assert "(the cart&#x27;s: &#x27;Springfield&#x27;)" in page
    assert 'id="order-delivery">Two-day</dd>' in page


def test_an_order_without_ship_to_goes_where_the_cart_said(
    two_day: PunchInSubmission, storefront: LiveASGIServer
) -> None:
    code, says = answer_of(storefront, ordered(two_day, ship_to=None))
    assert code == 200, says
    order = PurchaseOrder.objects.get()
    assert order.ship_to == ADDRESS.text(home="US")
    assert order.attention == ""


def test_a_changed_payment_method_is_flagged_for_the_staff(
    two_day: PunchInSubmission, storefront: LiveASGIServer
) -> None:
    code, says = answer_of(storefront, ordered(two_day, payment="card"))
    assert code == 200, says
    assert (
        f"payment method 'Corporate card' differs from cart {two_day.payload_id}'s 'Purchase order'"
    ) in PurchaseOrder.objects.get().attention


# --- the checkout page ------------------------------------------------------------------


def checkout(client: Client, acme: Acme, **changes: str) -> Any:
    return client.post(
        "/checkout/",
        {"group": acme.punchin_group.pk, **ADDRESS_FORM, "payment_method": "po"}
        | {"delivery_speed": "two-day"}
        | changes,
    )


def signed_in(email: str) -> Client:
    client = Client()
    login(client, email, demo.PASSWORD)
    return client


def test_checkout_prices_each_speed_and_the_review_adds_it(acme: Acme, monkeypatch: Any) -> None:
    monkeypatch.setattr(estimates, "today", lambda: date(2026, 12, 2))  # a Wednesday
    cart.add(acme.buyer.user, product("OF-10001"), 2)
    client = signed_in(demo.PUNCHIN_BUYER)
    form = client.get("/checkout/").content.decode()
    assert (
        "Standard (3-5 business days): free, arrives between Monday 7 and Wednesday 9 "
        "December</label>"
    ) in form
    assert "Two-day: 12.00 USD, arrives Friday 4 December</label>" in form
    assert "Next day: 25.00 USD, arrives Thursday 3 December</label>" in form
    # Before a first checkout the address starts as the account's, in its country.
    assert f'value="{acme.account.name}"' in form
    assert '<option value="US" selected>United States</option>' in form
    assert checkout(client, acme).status_code == 302
    review = client.get("/checkout/review").content.decode()
    lines = 2 * product("OF-10001").price
    assert 'id="summary-speed">Two-day: $12.00 USD</dd>' in review
    assert f'id="review-total">${lines + TWO_DAY}</span>' in review
    assert "Receiving dock 3<br>1 Main Street<br>Springfield, IL 62701</dd>" in review


def test_checkout_refuses_an_address_it_cannot_ship_to_saying_what_is_missing(
    acme: Acme,
) -> None:
    cart.add(acme.buyer.user, product("OF-10001"), 1)
    client = signed_in(demo.PUNCHIN_BUYER)
    reply = checkout(client, acme, city="", street="1\n2\n3\n4", country="XX")
    assert reply.status_code == 200
    page = reply.content.decode()
    assert "This field is required." in page
    assert "At most three lines of street address." in page
    assert "Select a valid choice. XX is not one of the available choices." in page


def test_a_direct_order_charges_the_delivery_in_its_total(acme: Acme) -> None:
    acme.buyer.groups.add(acme.direct_group)
    cart.add(acme.buyer.user, product("OF-10003"), 1)
    client = signed_in(demo.PUNCHIN_BUYER)
    direct = checkout(client, acme, group=str(acme.direct_group.pk), payment_method="invoice")
    assert direct.status_code == 302
    assert client.post("/checkout/submit").status_code == 302
    placed = Order.objects.get()
    assert placed.shipping == TWO_DAY
    assert placed.total == product("OF-10003").price + TWO_DAY
    page = client.get(f"/orders/{placed.pk}").content.decode()
    assert "Delivery (Two-day): $12.00 USD" in page


def test_the_submission_total_is_the_carts_total(two_day: PunchInSubmission) -> None:
    """The buyer's order history shows what the cart's Total says: lines and delivery."""
    body = parse(bytes(two_day.poom.document.raw)).body
    assert isinstance(body, Message)
    assert isinstance(body.payload, PunchOutOrderMessage)
    lines = 2 * product("OF-10001").price + product("IT-20001").price
    assert two_day.total == body.payload.header.total.money.amount == lines + TWO_DAY
