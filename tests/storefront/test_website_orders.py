"""Direct website orders reach the store's staff (issue 10): the staff list shows them
beside the purchase orders, and the staff confirm, ship and invoice them over real
HTTP; the buyer reads each step on their order page."""

from __future__ import annotations

import pytest

from punchin.storefront.accounts.services import ensure_staff
from punchin.storefront.cart.models import Order, OrderState, OrderStep
from punchin.web import demo
from punchin.web.testing import LiveASGIServer

from .conftest import Acme, Browser
from .factories import placed

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def order(acme: Acme) -> Order:
    return placed(acme, (("OF-10001", 2), ("IT-20001", 1)))


@pytest.fixture
def staff(storefront: LiveASGIServer) -> Browser:
    ensure_staff(demo.FULFILMENT_STAFF, demo.PASSWORD, name="Fran Fulfilment")
    return Browser(storefront.url).sign_in(demo.FULFILMENT_STAFF)


def test_buyers_cannot_work_website_orders(order: Order, storefront: LiveASGIServer) -> None:
    buyer = Browser(storefront.url).sign_in(demo.DIRECT_BUYER)
    assert buyer.get(f"/staff/orders/website/{order.pk}/").status == 403
    for action in ("confirm", "reject", "ship", "invoice"):
        assert buyer.post(f"/staff/orders/website/{order.pk}/{action}", {}).status == 403
    assert Order.objects.get().state == OrderState.PLACED


def test_confirm_ship_invoice_a_website_order(
    order: Order, staff: Browser, storefront: LiveASGIServer
) -> None:
    listing = staff.get("/staff/orders/").text
    assert f'data-website-order="{order.pk}"' in listing
    assert f"/staff/orders/website/{order.pk}/" in listing
    page = f"/staff/orders/website/{order.pk}/"
    detail = staff.get(page).text
    assert 'id="order-state">Placed<' in detail
    assert "Springfield, IL 62701" in detail
    assert 'id="confirm-form"' in detail
    assert 'id="ship-form"' not in detail

    assert staff.post(f"{page}confirm", {"comment": "Thanks, packing today"}).status == 302
    assert f"Order {order.pk} is confirmed." in staff.get(page).text
    too_early = staff.post(f"{page}invoice", {})
    assert too_early.status == 400
    assert "An order that is confirmed cannot take “Invoice”." in too_early.text
    no_tracking = staff.post(f"{page}ship", {"carrier": "UPS", "tracking_number": ""})
    assert no_tracking.status == 400
    assert Order.objects.get().state == OrderState.CONFIRMED

    assert staff.post(f"{page}ship", {"carrier": "UPS", "tracking_number": "1Z999"}).status == 302
    assert staff.post(f"{page}invoice", {}).status == 302
    order.refresh_from_db()
    assert (order.state, order.carrier, order.tracking_number, order.invoice_number) == (
        OrderState.INVOICED,
        "UPS",
        "1Z999",
        f"INV-W-{order.pk}",
    )
    assert list(OrderStep.objects.values_list("event", "by")) == [
        ("confirm", demo.FULFILMENT_STAFF),
        ("ship", demo.FULFILMENT_STAFF),
        ("invoice", demo.FULFILMENT_STAFF),
    ]
    again = staff.post(f"{page}ship", {"carrier": "UPS", "tracking_number": "1Z000"})
    assert again.status == 400
    assert "An order that is invoiced cannot take “Ship”." in again.text

    # The buyer: each step, the tracking number and the invoice on their order page.
    buyer = Browser(storefront.url).sign_in(demo.DIRECT_BUYER)
    mine = buyer.get(f"/orders/{order.pk}").text
    assert 'id="order-state">Invoiced<' in mine
    assert "Thanks, packing today" in mine
    assert '<strong id="tracking-number">1Z999</strong>' in mine
    assert f'<strong id="invoice-number">INV-W-{order.pk}</strong>' in mine
    assert '<span class="state invoiced">Invoiced</span>' in buyer.get("/orders/").text


def test_a_rejected_website_order_tells_the_buyer_why(
    order: Order, staff: Browser, storefront: LiveASGIServer
) -> None:
    page = f"/staff/orders/website/{order.pk}/"
    assert staff.post(f"{page}reject", {"comment": "Discontinued, sorry"}).status == 302
    assert staff.post(f"{page}confirm", {}).status == 400
    assert Order.objects.get().state == OrderState.REJECTED
    mine = Browser(storefront.url).sign_in(demo.DIRECT_BUYER).get(f"/orders/{order.pk}").text
    assert "Rejected by the store" in mine
    assert "Discontinued, sorry" in mine


def test_the_state_filter_applies_to_both_kinds_of_order(order: Order, staff: Browser) -> None:
    assert f'data-website-order="{order.pk}"' in staff.get("/staff/orders/?state=placed").text
    shipped = staff.get("/staff/orders/?state=shipped").text
    assert f'data-website-order="{order.pk}"' not in shipped
    assert "No website orders in this state." in shipped
    assert "No purchase orders in this state." in shipped
    everything = staff.get("/staff/orders/").text
    for value in ("placed", "received", "partially_shipped", "invoiced"):
        assert everything.count(f'<option value="{value}"') == 1
