"""The fulfilment team's pages over real HTTP: list, detail, confirm, ship, invoice, and
the clear message when an action does not fit the order's state or quantities."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

import pytest
from django.utils.formats import date_format
from django.utils.timezone import localtime

from punchin.storefront.accounts.services import ensure_staff
from punchin.storefront.documents.models import CxmlDocument
from punchin.storefront.orders import receive
from punchin.storefront.orders.models import PurchaseOrder, State
from punchin.web import demo
from punchin.web.delivery.models import OutboundDelivery
from punchin.web.documents import Direction
from punchin.web.testing import LiveASGIServer

from .conftest import Acme, Browser
from .factories import (
    ORDERED_AT,
    cart_items,
    from_procurement,
    order_request,
    received_order,
    submitted,
)

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def order(acme: Acme, dev: Any) -> PurchaseOrder:
    system = acme.configure("http://127.0.0.1:8002/cxml/punchin")
    cart = submitted(acme)
    document = from_procurement(order_request(cart_items(cart)), "po-1@procurement")
    entry = CxmlDocument.objects.create(direction=Direction.INBOUND, raw=b"<cXML/>")
    receive.order_request(received_order(system, document, entry))
    return PurchaseOrder.objects.get()


@pytest.fixture
def staff(storefront: LiveASGIServer) -> Browser:
    ensure_staff(demo.FULFILMENT_STAFF, demo.PASSWORD, name="Fran Fulfilment")
    return Browser(storefront.url).sign_in(demo.FULFILMENT_STAFF)


def _fields(order: PurchaseOrder, **extra: str) -> dict[str, str]:
    fields = {}
    for line in order.lines.all():
        fields[f"quantity_{line.line_number}"] = str(line.quantity.normalize())
        fields[f"price_{line.line_number}"] = str(line.unit_price)
    return {**fields, **extra}


def test_buyers_cannot_see_the_staff_pages(
    order: PurchaseOrder, storefront: LiveASGIServer
) -> None:
    buyer = Browser(storefront.url).sign_in(demo.PUNCHIN_BUYER)
    # Refused outright: a redirect to the login page would send them straight back.
    for path in ("/staff/orders/", f"/staff/orders/{order.pk}/"):
        assert buyer.get(path).status == 403
    assert buyer.post(f"/staff/orders/{order.pk}/confirm", _fields(order)).status == 403
    order.refresh_from_db()
    assert order.state == State.RECEIVED


def test_confirm_ship_invoice_through_the_pages(order: PurchaseOrder, staff: Browser) -> None:
    listing = staff.get("/staff/orders/").text
    assert 'data-order-id="PO-1001"' in listing
    detail = staff.get(f"/staff/orders/{order.pk}/").text
    assert 'id="confirm-form"' in detail
    assert 'id="ship-form"' not in detail

    confirmed = staff.post(f"/staff/orders/{order.pk}/confirm", _fields(order, comment="Thanks"))
    assert confirmed.status == 302, confirmed.text
    page = staff.get(f"/staff/orders/{order.pk}/").text
    assert "is on its way to the buyer" in page
    assert 'id="order-state">Confirmed<' in page

    too_many = staff.post(
        f"/staff/orders/{order.pk}/ship",
        {"carrier": "UPS", "tracking_number": "1Z", "quantity_1": "3", "quantity_2": "0"},
    )
    assert too_many.status == 400
    assert "Line 1: 3 cannot be shipped; 2 of 2 remain to ship." in too_many.text

    shipped = staff.post(
        f"/staff/orders/{order.pk}/ship",
        {"carrier": "UPS", "tracking_number": "1Z999", "quantity_1": "2", "quantity_2": "1"},
    )
    assert shipped.status == 302
    invoiced = staff.post(
        f"/staff/orders/{order.pk}/invoice",
        {"quantity_1": "2", "quantity_2": "1", "tax_rate": "8.875", "shipping": "4.95"},
    )
    assert invoiced.status == 302
    order.refresh_from_db()
    assert order.state == State.INVOICED
    assert sorted(OutboundDelivery.objects.values_list("document_type", flat=True)) == [
        "ConfirmationRequest",
        "InvoiceDetailRequest",
        "ShipNoticeRequest",
    ]
    page = staff.get(f"/staff/orders/{order.pk}/").text
    assert len(re.findall(r'class="document"', page)) == 3
    assert "UPS 1Z999" in page
    assert page.count('<span class="state pending">Pending</span>') == 3  # queued, not sent


def test_an_action_the_state_forbids_says_why(order: PurchaseOrder, staff: Browser) -> None:
    reply = staff.post(
        f"/staff/orders/{order.pk}/invoice",
        {"quantity_1": "1", "quantity_2": "0", "tax_rate": "0", "shipping": "0"},
    )
    assert reply.status == 400
    assert "0 shipped units are not invoiced yet" in reply.text
    rejected = staff.post(f"/staff/orders/{order.pk}/reject", {"comment": "Discontinued"})
    assert rejected.status == 302
    again = staff.post(f"/staff/orders/{order.pk}/reject", {"comment": "again"})
    assert again.status == 400
    assert "An order that is rejected cannot take “Reject”." in again.text


def test_quantities_in_the_forms_are_written_as_people_write_them(
    order: PurchaseOrder, staff: Browser
) -> None:
    """Ten boxes were offered as "1E+1" in the confirm form (Decimal.normalize)."""
    order.lines.filter(line_number=1).update(quantity=10)
    page = staff.get(f"/staff/orders/{order.pk}/").text
    field = re.search(r'<input[^>]*name="quantity_1"[^>]*>', page)
    assert field is not None
    assert 'value="10"' in field[0]
    assert "1E+1" not in page
    assert f"<h1>Purchase order {order.order_id} " in page


def test_staff_sign_in_lands_on_the_order_list_and_buyers_on_the_shop(
    storefront: LiveASGIServer, acme: Acme
) -> None:
    ensure_staff(demo.FULFILMENT_STAFF, demo.PASSWORD)
    for email, landing in ((demo.FULFILMENT_STAFF, "/staff/orders/"), (demo.DIRECT_BUYER, "/")):
        browser = Browser(storefront.url)
        browser.get("/accounts/login/")
        reply = browser.post("/accounts/login/", {"username": email, "password": demo.PASSWORD})
        assert (reply.status, reply.headers["location"]) == (302, landing)
        home = browser.get("/").text
        assert ('id="nav-staff"' in home) is (email == demo.FULFILMENT_STAFF)
    # Where a link asked them to sign in first, they go there instead.
    browser = Browser(storefront.url)
    browser.get("/accounts/login/?next=/deliveries/")
    reply = browser.post(
        "/accounts/login/?next=/deliveries/",
        {"username": demo.FULFILMENT_STAFF, "password": demo.PASSWORD, "next": "/deliveries/"},
    )
    assert reply.headers["location"] == "/deliveries/"


def test_the_confirm_form_is_one_row_per_line_with_need_by_dates(
    acme: Acme, dev: Any, staff: Browser
) -> None:
    """Issue 11: three stacked inputs per line were unusable on a long PO; need-by dates
    and the addresses as the country writes them are on the page."""
    system = acme.configure("http://127.0.0.1:8002/cxml/punchin")
    need_by = datetime(2026, 4, 15, 12, tzinfo=UTC)
    order = order_request(cart_items(submitted(acme)))
    order = replace(order, header=replace(order.header, requested_delivery_date=need_by))
    document = from_procurement(order, "po-7@procurement")
    entry = CxmlDocument.objects.create(direction=Direction.INBOUND, raw=b"<cXML/>")
    receive.order_request(received_order(system, document, entry))
    received = PurchaseOrder.objects.get()
    assert received.requested_delivery_date == need_by
    assert received.ship_to.splitlines()[-1] == "New York, NY 10118"  # the US: no country

    page = staff.get(f"/staff/orders/{received.pk}/").text
    assert f'id="order-need-by">{date_format(need_by, "DATE_FORMAT")}<' in page
    line_date = date_format(localtime(ORDERED_AT), "DATE_FORMAT")
    assert f'<td data-label="Needed by">{line_date}</td>' in page
    assert "New York, NY 10118" in page
    rows = re.findall(r'<tr id="line-(\d+)">(.*?)</tr>', page, re.S)
    assert [number for number, _ in rows] == ["1", "2"]
    for number, row in rows:
        names = re.findall(r'<input[^>]*name="(\w+)"', row)
        assert names == [f"quantity_{number}", f"price_{number}", f"date_{number}"]
        assert row.count('aria-label="Line ') == 3
    assert re.search(r'<button type="submit" id="confirm-all" autofocus>', page)

    assert staff.post(f"/staff/orders/{received.pk}/confirm", {"as_ordered": "1"}).status == 302
    received.refresh_from_db()
    assert received.state == State.CONFIRMED
    sent = OutboundDelivery.objects.get(document_type="ConfirmationRequest")
    assert b'type="accept"' in bytes(sent.raw)
    assert all(line.confirmed_quantity is None for line in received.lines.all())
