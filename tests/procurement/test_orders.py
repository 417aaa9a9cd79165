"""On approval: the StatusUpdateRequest and the OrderRequest, DTD-valid with the right
values; their delivery moves the PO; update and delete chain by DocumentReference."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from decimal import Decimal
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from punchin.cxml import parse
from punchin.cxml.envelope import Request
from punchin.cxml.order import OrderRequest
from punchin.cxml.statusupdate import DocumentStatus, StatusUpdateRequest
from punchin.procurement.approvals import services as approvals
from punchin.procurement.orders import services
from punchin.procurement.orders.models import EventKind, State
from punchin.procurement.partners.models import SupplierPartner
from punchin.procurement.site.templatetags.quantities import quantity
from punchin.web import demo
from punchin.web.delivery.models import OutboundDelivery
from punchin.web.delivery.tasks import attempt
from tests.delivery.partner import Answer, FakePartner
from tests.procurement import flow
from tests.signin import login


@pytest.fixture
def seeded(db: None) -> None:
    call_command("seed_demo", storefront_url="http://127.0.0.1:8001")


def payload(delivery: OutboundDelivery) -> Any:
    body = parse(bytes(delivery.raw)).body
    assert isinstance(body, Request)
    return body.payload


def delivery_of(kind: str) -> OutboundDelivery:
    return OutboundDelivery.objects.filter(document_type=kind).order_by("pk").last()  # type: ignore[return-value]


@pytest.mark.usefixtures("seeded")
def test_order_request_carries_the_cart_the_coding_and_the_addresses(
    assert_valid: Callable[[bytes], None],
) -> None:
    order = flow.approved()
    assert order.number == f"PO-{order.order_date:%Y}-{order.pk:06d}"
    delivery = delivery_of("OrderRequest")
    assert_valid(bytes(delivery.raw))
    assert delivery.url == "http://127.0.0.1:8001/cxml/order"
    assert delivery.partner_key == str(SupplierPartner.objects.get().pk)
    document = parse(bytes(delivery.raw))
    assert document.payload_id == order.payload_id
    sender = document.header.sender.credentials[0]  # type: ignore[union-attr]
    assert sender.identity.value == demo.PROCUREMENT_IDENTITY
    assert sender.shared_secret.value == demo.SHARED_SECRET  # type: ignore[union-attr]
    request = payload(delivery)
    assert isinstance(request, OrderRequest)
    header = request.header
    assert (header.order_id, header.type, header.order_version) == (order.number, "new", 1)
    assert header.requisition_id == order.requisition.number
    subtotal = Decimal("12.30")
    assert header.total.money.amount == subtotal + flow.TAX + flow.SHIPPING
    assert header.tax.money.amount == flow.TAX  # type: ignore[union-attr]
    assert header.shipping.money.amount == flow.SHIPPING  # type: ignore[union-attr]
    assert header.bill_to.address.address_id == "HQ-AP"
    assert header.ship_to.address.address_id == "HQ-DOCK"  # type: ignore[union-attr]
    assert header.contacts[0].emails[0].value == demo.PUNCHIN_BUYER
    assert header.comments[0].text == "Dock 2, mornings"
    assert header.document_reference is None
    first, second = request.items
    assert (first.line_number, first.quantity, second.quantity) == (1, 2, Decimal("1.5"))
    assert first.item_id.supplier_part_id == "PEN-BLK-12"
    assert first.item_id.supplier_part_auxiliary_id.value == "cart-1:1"  # type: ignore[union-attr]
    assert first.item_detail.unit_price.money.amount == Decimal("4.50")  # type: ignore[union-attr]
    assert first.item_detail.classifications[0].value == "44121704"  # type: ignore[union-attr]
    accounting = first.distributions[0].accounting
    assert [(s.type, s.id) for s in accounting.segments] == [  # type: ignore[union-attr]
        ("Cost Center", "CC-4100"),
        ("GL Account", "6100"),
    ]
    assert first.distributions[0].charge.money.amount == Decimal("9.00")
    assert [e.kind for e in order.events.all()] == [EventKind.APPROVED, EventKind.SENT]


@pytest.mark.usefixtures("seeded")
def test_status_update_request_says_approved_with_the_comment(
    assert_valid: Callable[[bytes], None],
) -> None:
    order = flow.approved()
    delivery = delivery_of("StatusUpdateRequest")
    assert_valid(bytes(delivery.raw))
    assert delivery.url == "http://127.0.0.1:8001/cxml/status"
    update = payload(delivery)
    assert isinstance(update, StatusUpdateRequest)
    assert update.document_reference.payload_id == order.requisition.source_payload_id  # type: ignore[union-attr]
    assert (update.status.code, update.status.text) == (200, "OK")
    assert isinstance(update.specific_status, DocumentStatus)
    assert update.specific_status.type == "approved"
    assert update.specific_status.comments[0].text == "fine"
    assert update.specific_status.document_info.document_id == order.requisition.number  # type: ignore[union-attr]


@pytest.mark.usefixtures("seeded")
def test_rejection_status_update_is_valid(assert_valid: Callable[[bytes], None]) -> None:
    requisition = flow.submitted()
    approvals.decide(requisition, flow.user(demo.APPROVER), approve=False, comment="too dear")
    delivery = delivery_of("StatusUpdateRequest")
    assert_valid(bytes(delivery.raw))
    update = payload(delivery)
    assert update.specific_status.type == "rejected"
    assert update.specific_status.comments[0].text == "too dear"


@pytest.mark.usefixtures("seeded")
def test_no_order_url_means_no_approval() -> None:
    SupplierPartner.objects.update(order_url="")
    requisition = flow.submitted()
    with pytest.raises(approvals.InvalidTransition, match="has no order URL"):
        approvals.decide(requisition, flow.user(demo.APPROVER), approve=True, comment="")
    requisition.refresh_from_db()
    assert requisition.state == "submitted"  # everything rolled back
    assert not OutboundDelivery.objects.exists()


@pytest.fixture
def supplier(transactional_db: None, settings: Any) -> Iterator[FakePartner]:
    """A fake supplier on loopback as the partner's status and order endpoint."""
    settings.PUNCHIN_DEV = True
    fake = FakePartner().start()
    call_command("seed_demo", storefront_url=f"http://127.0.0.1:{fake.port}")
    SupplierPartner.objects.update(status_update_url=fake.url, order_url=fake.url)
    yield fake
    fake.stop()


def deliver_all() -> None:
    for delivery in OutboundDelivery.objects.filter(state="pending").order_by("pk"):
        attempt(delivery.pk)


def test_delivery_moves_the_po_and_update_delete_chain(
    supplier: FakePartner, client: Client
) -> None:
    order = flow.approved()
    deliver_all()
    order.refresh_from_db()
    assert order.state == State.ACKNOWLEDGED
    assert [e.kind for e in order.events.all()][-1] == EventKind.ACKNOWLEDGED
    assert len(supplier.requests) == 2  # StatusUpdateRequest and OrderRequest
    first = order.payload_id

    login(client, username=demo.PUNCHIN_BUYER, password=demo.PASSWORD)
    page = client.get(reverse("orders:detail", args=[order.number])).content.decode()
    assert 'id="change-form"' in page
    changed = client.post(
        reverse("orders:change", args=[order.number]),
        {"quantity-1": "1", "quantity-2": "0", "comment": "fewer pens"},
        follow=True,
    )
    assert "was sent" in changed.content.decode()
    order.refresh_from_db()
    assert (order.state, order.version) == (State.SENT, 2)
    update = payload(delivery_of("OrderRequest"))
    assert update.header.type == "update"
    assert update.header.order_version == 2
    assert update.header.document_reference.payload_id == first
    assert [(i.line_number, i.quantity) for i in update.items] == [(1, 1)]
    assert update.header.total.money.amount == Decimal("4.50") + flow.TAX + flow.SHIPPING
    # A second change before the supplier answered the first is refused.
    refused = client.post(
        reverse("orders:change", args=[order.number]), {"quantity-1": "0"}, follow=True
    )
    assert "once the supplier has acknowledged" in refused.content.decode()

    deliver_all()
    order.refresh_from_db()
    assert order.state == State.ACKNOWLEDGED
    second = order.payload_id
    client.post(reverse("orders:cancel", args=[order.number]), {"comment": "not needed"})
    order.refresh_from_db()
    assert (order.state, order.version) == (State.CANCELLED, 3)
    delete = payload(delivery_of("OrderRequest"))
    assert delete.header.type == "delete"
    assert delete.header.document_reference.payload_id == second
    deliver_all()
    assert supplier.requests[-1] == order.payload_id
    timeline = client.get(reverse("orders:detail", args=[order.number])).content.decode()
    assert timeline.count('data-kind="sent"') == 3
    assert timeline.count('data-kind="acknowledged"') == 3


def test_a_refused_order_needs_attention(supplier: FakePartner, client: Client) -> None:
    supplier.script[:] = [Answer(200), Answer(400, 400, "unknown SupplierPartID")]
    order = flow.approved()
    deliver_all()
    order.refresh_from_db()
    assert order.state == State.NEEDS_ATTENTION
    event = order.events.get(kind=EventKind.NEEDS_ATTENTION)
    assert "400" in event.text
    login(client, username=demo.PUNCHIN_BUYER, password=demo.PASSWORD)
    document = client.get(
        reverse("orders:document", args=[order.number, event.pk])
    ).content.decode()
    assert "unknown SupplierPartID" in document
    assert demo.SHARED_SECRET not in document  # the log page redacts the SharedSecret


@pytest.mark.usefixtures("seeded")
def test_the_change_form_steps_by_the_unit_of_measure(client: Client) -> None:
    """Boxes are ordered in whole units, so the browser is told step 1 and refuses
    1.5 before it is sent (the storefront would answer 400); metres may be fractional.
    Nonsense (NaN, a word) is refused with a message, never a server error."""
    order = flow.approved()
    services.move_order(order, State.ACKNOWLEDGED)
    login(client, username=demo.PUNCHIN_BUYER, password=demo.PASSWORD)
    page = client.get(reverse("orders:detail", args=[order.number])).content.decode()
    boxes = re.search(r'<input[^>]*id="quantity-1"[^>]*>', page)
    metres = re.search(r'<input[^>]*id="quantity-2"[^>]*>', page)
    assert boxes is not None
    assert metres is not None
    for attribute in ('type="number"', 'step="1"', 'value="2"', 'inputmode="numeric"'):
        assert attribute in boxes[0]
    for attribute in ('step="any"', 'value="1.5"', 'inputmode="decimal"'):
        assert attribute in metres[0]
    assert "Line 1 quantity in whole units" in page
    assert "Line 2 quantity in MTR" in page
    for nonsense in ("NaN", "two", "-1"):
        refused = client.post(
            reverse("orders:change", args=[order.number]), {"quantity-1": nonsense}, follow=True
        )
        assert refused.status_code == 200
        assert "Line 1 quantity in whole units" in refused.content.decode()
    order.refresh_from_db()
    assert (order.state, order.version) == (State.ACKNOWLEDGED, 1)


def test_quantities_are_printed_as_people_write_them() -> None:
    """10 boxes were shown as "1E+1" (Decimal.normalize) on the PO and requisition."""
    assert [quantity(Decimal(q)) for q in ("10.0000", "1.5000", "0.2500", "100")] == [
        "10",
        "1.5",
        "0.25",
        "100",
    ]
