"""A supplier partner's "leave out optional elements" switch (docs/compatibility.md): the
OrderRequest it gets has no ShortName and no ItemOut@requestedDeliveryDate, and stays valid
against the DTD; without the switch each line carries the cart's ShortName and the
date the requester needs the goods by."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import date

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from punchin.cxml import parse
from punchin.cxml.envelope import Request
from punchin.cxml.order import OrderRequest
from punchin.procurement.approvals import services as approvals
from punchin.procurement.orders.models import PurchaseOrder
from punchin.procurement.partners.models import SupplierPartner
from punchin.web import demo
from punchin.web.delivery.models import OutboundDelivery
from tests.procurement import flow
from tests.signin import login

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def seeded(db: None) -> None:
    call_command("seed_demo", storefront_url="http://127.0.0.1:8001")


def ordered(omit: bool) -> tuple[bytes, OrderRequest]:
    """The OrderRequest of a requisition needed by 1 March, for a partner with ``omit``."""
    SupplierPartner.objects.update(omit_optional_elements=omit)
    requisition = flow.draft()
    coding = replace(flow.CODING, need_by=date(2027, 3, 1))
    approvals.submit(requisition, flow.user(demo.PUNCHIN_BUYER), coding)
    approvals.decide(requisition, flow.user(demo.APPROVER), approve=True, comment="fine")
    order = PurchaseOrder.objects.get(requisition=requisition)
    raw = bytes(OutboundDelivery.objects.get(payload_id=order.payload_id).raw)
    body = parse(raw).body
    assert isinstance(body, Request)
    assert isinstance(body.payload, OrderRequest)
    return raw, body.payload


def test_the_order_carries_the_carts_short_names_and_the_date_by_default(
    assert_valid: Callable[[bytes], None],
) -> None:
    raw, order = ordered(omit=False)
    assert_valid(raw)
    descriptions = [item.item_detail.descriptions[0] for item in order.items]  # type: ignore[union-attr]
    assert [d.short_name.value for d in descriptions] == ["PEN-BLK-12", "CAB-CAT6"]  # type: ignore[union-attr]
    assert {item.requested_delivery_date.date() for item in order.items} == {date(2027, 3, 1)}  # type: ignore[union-attr]
    assert order.header.requested_delivery_date.date() == date(2027, 3, 1)  # type: ignore[union-attr]


def test_the_order_leaves_them_out_for_such_a_supplier(
    assert_valid: Callable[[bytes], None],
) -> None:
    raw, order = ordered(omit=True)
    assert_valid(raw)
    assert b"ShortName" not in raw
    assert all(item.requested_delivery_date is None for item in order.items)
    assert raw.count(b"requestedDeliveryDate") == 1  # the header's: the date is not lost
    assert order.header.requested_delivery_date.date() == date(2027, 3, 1)  # type: ignore[union-attr]
    # The name leads the text instead (docs/product-names.md): the same name, read back.
    assert [item.item_detail.descriptions[0].text for item in order.items] == [  # type: ignore[union-attr]
        "PEN-BLK-12\nPEN-BLK-12 description",
        "CAB-CAT6\nCAB-CAT6 description",
    ]


def test_the_switch_is_on_the_partner_pages(admin_client: Client) -> None:
    partner = SupplierPartner.objects.get()
    change = reverse("admin:procurement_partners_supplierpartner_change", args=[partner.pk])
    assert 'name="omit_optional_elements"' in admin_client.get(change).content.decode()
    SupplierPartner.objects.update(omit_optional_elements=True)
    settings_page = Client()
    assert login(settings_page, username=demo.PROCUREMENT_ADMIN, password=demo.PASSWORD)
    page = settings_page.get(reverse("partners:settings")).content.decode()
    assert f'id="omit-optional-{partner.pk}">reads only the elements it knows' in page
