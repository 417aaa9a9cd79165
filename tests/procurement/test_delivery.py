"""What the buyer chose at the supplier's checkout, on the requisition and in the
OrderRequest (docs/protocol.md P41, docs/checkout.md); the requester's change of the
delivery address where the organisation allows it, and the trail of both."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from punchin.cxml import parse
from punchin.cxml.delivery import (
    Delivery,
    DeliveryAddress,
    ShippingCharge,
    address_of,
    payment_method_of,
)
from punchin.cxml.envelope import Request
from punchin.cxml.order import OrderRequest
from punchin.procurement.accounts.models import Organisation, OrganisationEvent
from punchin.procurement.requisitions import delivery
from punchin.procurement.requisitions.models import Requisition, RequisitionEvent
from punchin.web import demo
from punchin.web.delivery.models import OutboundDelivery
from tests.procurement import flow
from tests.signin import login

pytestmark = pytest.mark.django_db

DOCK = DeliveryAddress(
    name="Acme Corporation",
    deliver_to=("Receiving dock 3",),
    street=("100 Main Street",),
    city="Springfield",
    state="IL",
    postal_code="62701",
    country_code="US",
    country="United States",
)
CHOSEN = Delivery(
    ship_to=DOCK, shipping=ShippingCharge(Decimal("12.00"), "Two-day"), payment_method="po"
)
WAREHOUSE = {
    "ship-name": "Acme Corporation",
    "ship-deliver_to": "Warehouse 7",
    "ship-street": "7 Depot Road\nGate B",
    "ship-city": "Shelbyville",
    "ship-state": "IL",
    "ship-postal_code": "62565",
    "ship-country": "United States",
    "ship-iso_country_code": "us",
}


@pytest.fixture(autouse=True)
def seeded() -> None:
    call_command("seed_demo", storefront_url="http://127.0.0.1:8001")


def signed_in(email: str) -> Client:
    client = Client()
    login(client, email, demo.PASSWORD)
    return client


def page_of(client: Client, requisition: Requisition) -> str:
    reply = client.get(reverse("requisitions:detail", args=[requisition.number]))
    assert reply.status_code == 200
    return reply.content.decode()


def allow_changes(allowed: bool = True) -> Organisation:
    admin = signed_in(demo.PROCUREMENT_ADMIN)
    organisation = Organisation.objects.get()
    reply = admin.post(
        reverse("approvals:policy"),
        {"organisation": organisation.pk, "kind": "delivery"}
        | ({"requesters_change_delivery": "on"} if allowed else {}),
    )
    assert reply.status_code == 302
    organisation.refresh_from_db()
    return organisation


def order_request() -> OrderRequest:
    delivery_row = OutboundDelivery.objects.filter(document_type="OrderRequest").last()
    assert delivery_row is not None
    body = parse(bytes(delivery_row.raw)).body
    assert isinstance(body, Request)
    assert isinstance(body.payload, OrderRequest)
    return body.payload


def test_the_requisition_shows_the_address_speed_and_payment_chosen_at_checkout() -> None:
    requisition = flow.draft(delivery=CHOSEN)
    page = page_of(signed_in(demo.PUNCHIN_BUYER), requisition)
    assert "Receiving dock 3<br>100 Main Street<br>Springfield, IL 62701<br>United States" in page
    assert "default delivery address" not in page
    assert 'id="delivery-speed">Two-day, 12.00 USD</dd>' in page
    assert 'id="payment-method">Purchase order</dd>' in page
    # The lines, the delivery and tax, and what the order will cost.
    assert 'id="lines-total">12.30 USD' in page
    assert 'id="shipping-total">12.00 USD' in page
    assert f'id="grand-total">{Decimal("12.30") + Decimal("12.00") + flow.TAX} USD' in page


def test_a_cart_without_ship_to_goes_to_the_organisation_default() -> None:
    requisition = flow.draft()
    assert delivery.ship_to(requisition) is not None
    assert delivery.ship_to(requisition).address_id == "HQ-DOCK"  # type: ignore[union-attr]
    page = page_of(signed_in(demo.PUNCHIN_BUYER), requisition)
    assert "Your organisation's default delivery address" in page


def test_the_order_request_carries_the_cart_ship_to_shipping_and_payment_method(
    assert_valid: Callable[[bytes], None],
) -> None:
    order = flow.approved(delivery=CHOSEN)
    delivery_row = OutboundDelivery.objects.get(document_type="OrderRequest")
    assert_valid(bytes(delivery_row.raw))
    header = order_request().header
    assert header.ship_to is not None
    assert address_of(header.ship_to.address) == DOCK
    assert header.shipping is not None
    assert header.shipping.money.amount == Decimal("12.00")
    assert header.shipping.description.text == "Two-day"
    assert payment_method_of(header.extrinsics) == "po"
    assert header.total.money.amount == Decimal("12.30") + Decimal("12.00") + flow.TAX
    assert header.bill_to.address.address_id == "HQ-AP"  # billing stays the organisation's
    page = signed_in(demo.PUNCHIN_BUYER).get(reverse("orders:detail", args=[order.number]))
    assert 'id="po-ship-to">Acme Corporation, Springfield</dd>' in page.content.decode()


def test_requesters_cannot_change_the_delivery_address_by_default() -> None:
    requisition = flow.draft(delivery=CHOSEN)
    client = signed_in(demo.PUNCHIN_BUYER)
    assert 'id="delivery-form"' not in page_of(client, requisition)
    reply = client.post(
        reverse("requisitions:delivery", args=[requisition.number]), WAREHOUSE, follow=True
    )
    assert "does not let requesters change the delivery address" in reply.content.decode()
    assert delivery.ship_to(requisition) == DOCK


def test_requester_changes_the_delivery_address_where_allowed_and_history_says_so(
    assert_valid: Callable[[bytes], None],
) -> None:
    allow_changes()
    requisition = flow.draft(delivery=CHOSEN)
    client = signed_in(demo.PUNCHIN_BUYER)
    assert 'id="delivery-form"' in page_of(client, requisition)
    reply = client.post(
        reverse("requisitions:delivery", args=[requisition.number]), WAREHOUSE, follow=True
    )
    assert "The delivery address was changed." in reply.content.decode()
    moved = delivery.ship_to(requisition)
    assert moved is not None
    assert (moved.street, moved.city, moved.country_code) == (
        ("7 Depot Road", "Gate B"),
        "Shelbyville",
        "US",
    )
    event = RequisitionEvent.objects.get(requisition=requisition, action="delivery address changed")
    assert event.actor is not None
    assert event.actor.email == demo.PUNCHIN_BUYER
    assert "from: Acme Corporation; Receiving dock 3; 100 Main Street" in event.comment
    assert "to: Acme Corporation; Warehouse 7; 7 Depot Road; Gate B; Shelbyville, IL 62565" in (
        event.comment
    )
    # The same address again is no change and no history step.
    again = client.post(
        reverse("requisitions:delivery", args=[requisition.number]), WAREHOUSE, follow=True
    )
    assert "The delivery address is the same." in again.content.decode()
    assert requisition.events.filter(action="delivery address changed").count() == 1
    # The purchase order goes where the requester said; speed and price stay the cart's.
    requisition.refresh_from_db()
    flow.approve(requisition)
    header = order_request().header
    assert header.ship_to is not None
    assert address_of(header.ship_to.address) == moved
    assert header.shipping is not None
    assert header.shipping.money.amount == Decimal("12.00")


def test_only_the_requester_of_a_draft_may_change_it() -> None:
    allow_changes()
    requisition = flow.submitted(delivery=CHOSEN)
    client = signed_in(demo.PUNCHIN_BUYER)
    assert 'id="delivery-form"' not in page_of(client, requisition)
    reply = client.post(
        reverse("requisitions:delivery", args=[requisition.number]), WAREHOUSE, follow=True
    )
    assert "Only the requester of a draft can change where" in reply.content.decode()
    assert delivery.ship_to(requisition) == DOCK


def test_an_address_that_cannot_be_sent_is_answered_with_what_to_fix() -> None:
    allow_changes()
    requisition = flow.draft(delivery=CHOSEN)
    reply = signed_in(demo.PUNCHIN_BUYER).post(
        reverse("requisitions:delivery", args=[requisition.number]),
        WAREHOUSE | {"ship-iso_country_code": "U1", "ship-city": ""},
    )
    assert reply.status_code == 400
    page = reply.content.decode()
    assert "Two letters of ISO 3166, e.g. US or DE." in page
    assert "This field is required." in page
    assert delivery.ship_to(requisition) == DOCK


def test_the_delivery_setting_is_off_by_default_and_each_change_is_audited() -> None:
    organisation = Organisation.objects.get()
    assert organisation.requesters_change_delivery is False
    assert allow_changes().requesters_change_delivery is True
    assert allow_changes().requesters_change_delivery is True  # same again: no new row
    assert allow_changes(False).requesters_change_delivery is False
    trail = list(OrganisationEvent.objects.filter(organisation=organisation).order_by("pk"))
    assert [(e.action, e.actor.email if e.actor else "") for e in trail] == [
        ("requesters may change the delivery address", demo.PROCUREMENT_ADMIN),
        ("requesters may no longer change the delivery address", demo.PROCUREMENT_ADMIN),
    ]
    page = signed_in(demo.PROCUREMENT_ADMIN).get(reverse("approvals:policy")).content.decode()
    assert "requesters may no longer change the delivery address" in page
