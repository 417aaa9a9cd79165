"""Confirm, ship and invoice: each action records what was done and queues a DTD-valid
document for procurement in the same transaction (punchin.web.delivery)."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from punchin.cxml import parse
from punchin.cxml.envelope import Request
from punchin.cxml.fulfill import ConfirmationRequest, ShipNoticeRequest
from punchin.cxml.invoice import InvoiceDetailRequest
from punchin.cxml.validate import validate
from punchin.storefront.documents.models import CxmlDocument
from punchin.storefront.integration.models import PurchasingSystem
from punchin.storefront.integration.services import PurchasingSystemTargets
from punchin.storefront.orders import receive, services
from punchin.storefront.orders.models import PurchaseOrder, State
from punchin.storefront.orders.services import FulfilmentError, LineChange
from punchin.storefront.submissions.models import PunchInSubmission
from punchin.transport import BasicAuth
from punchin.web.delivery.exceptions import UnknownPartner
from punchin.web.delivery.models import OutboundDelivery
from punchin.web.documents import Direction

from .conftest import Acme
from .factories import (
    cart_items,
    from_procurement,
    order_request,
    received_order,
    submitted,
)

STAFF = "fulfilment@store.example"
D = Decimal


@pytest.fixture
def system(acme: Acme, dev: Any) -> PurchasingSystem:
    return acme.configure("http://127.0.0.1:8002/cxml/punchin")


@pytest.fixture
def order(acme: Acme, system: PurchasingSystem) -> PurchaseOrder:
    """PO-1001 for the cart (OF-10001 x 2 at 14.49, IT-20001 x 1), as received."""
    cart: PunchInSubmission = submitted(acme)
    document = from_procurement(order_request(cart_items(cart)), "po-1@procurement")
    entry = CxmlDocument.objects.create(direction=Direction.INBOUND, raw=b"<cXML/>")
    answer = receive.order_request(received_order(system, document, entry))
    assert answer.body.status.code == 200  # type: ignore[union-attr]
    return PurchaseOrder.objects.get()


def _sent(kind: str, dtd_dir: Path) -> tuple[OutboundDelivery, Any]:
    """The queued delivery of ``kind``: DTD-valid, logged with the same bytes."""
    delivery = OutboundDelivery.objects.filter(document_type=kind).latest("created_at")
    raw = bytes(delivery.raw)
    assert validate(raw, dtd_dir) == []
    logged = CxmlDocument.objects.get(payload_id=delivery.payload_id, direction="out")
    assert logged.sent == raw
    body = parse(raw).body
    assert isinstance(body, Request)
    return delivery, body.payload


def test_confirm_as_ordered_is_an_accept(
    order: PurchaseOrder, system: PurchasingSystem, dtd_dir: Path
) -> None:
    services.confirm(order.pk, STAFF)

    delivery, confirmation = _sent("ConfirmationRequest", dtd_dir)
    assert delivery.url == "http://127.0.0.1:8002/cxml/confirmation"
    assert delivery.partner_key == str(system.pk)
    assert delivery.partner_name == str(system)  # what /deliveries/ shows staff
    assert delivery.state == "pending"
    assert isinstance(confirmation, ConfirmationRequest)
    assert confirmation.header.type == "accept"
    assert confirmation.items == ()
    assert confirmation.header.total is not None
    assert confirmation.header.total.money.amount == 2 * D("14.49") + _price(order, 2)
    reference = confirmation.order_reference
    assert (reference.order_id, reference.document_reference.payload_id) == (
        "PO-1001",
        "po-1@procurement",
    )
    order.refresh_from_db()
    assert order.state == State.CONFIRMED


def test_confirm_with_details_lists_only_the_changed_lines(
    order: PurchaseOrder, dtd_dir: Path
) -> None:
    when = datetime(2026, 3, 9, 12, tzinfo=UTC)
    services.confirm(
        order.pk,
        STAFF,
        {1: LineChange(D(1), D("13.99"), when), 2: LineChange(D(1), _price(order, 2))},
    )

    _, confirmation = _sent("ConfirmationRequest", dtd_dir)
    assert confirmation.header.type == "detail"
    (item,) = confirmation.items
    assert (item.line_number, item.quantity, item.unit_of_measure) == (1, D(2), "PK")
    detail, rejected = item.statuses
    assert (detail.type, detail.quantity, detail.delivery_date) == ("detail", D(1), when)
    assert detail.unit_price is not None
    assert detail.unit_price.money.amount == D("13.99")
    assert (rejected.type, rejected.quantity) == ("reject", D(1))
    line = order.lines.get(line_number=1)
    assert (line.agreed_quantity, line.agreed_unit_price) == (D(1), D("13.99"))


def _price(order: PurchaseOrder, number: int) -> Decimal:
    return order.lines.get(line_number=number).unit_price


def test_reject_ends_the_order(order: PurchaseOrder, dtd_dir: Path) -> None:
    services.reject(order.pk, STAFF, "Out of stock")

    _, confirmation = _sent("ConfirmationRequest", dtd_dir)
    assert confirmation.header.type == "reject"
    assert confirmation.header.comments[0].text == "Out of stock"
    order.refresh_from_db()
    assert order.state == State.REJECTED
    with pytest.raises(FulfilmentError, match="rejected cannot take"):
        services.ship(order.pk, STAFF, carrier="UPS", tracking_number="1Z", quantities={1: D(1)})


def test_partial_shipments_then_the_rest_and_never_more(
    order: PurchaseOrder, dtd_dir: Path
) -> None:
    services.confirm(order.pk, STAFF)
    services.ship(
        order.pk, STAFF, carrier="UPS", tracking_number="1Z999AA10123456784", quantities={1: D(1)}
    )

    _, notice = _sent("ShipNoticeRequest", dtd_dir)
    assert isinstance(notice, ShipNoticeRequest)
    assert notice.header.fulfillment_type == "partial"
    control = notice.ship_controls[0]
    assert control.carrier_identifiers[0].value == "UPS"
    assert control.shipment_identifiers[0].value == "1Z999AA10123456784"
    (portion,) = notice.portions
    assert portion.order_reference.order_id == "PO-1001"
    assert [(i.line_number, i.quantity) for i in portion.items] == [(1, D(1))]
    order.refresh_from_db()
    assert order.state == State.PARTIALLY_SHIPPED

    with pytest.raises(FulfilmentError, match="1 of 2 remain to ship"):
        services.ship(order.pk, STAFF, carrier="UPS", tracking_number="1Z2", quantities={1: D(2)})
    assert OutboundDelivery.objects.filter(document_type="ShipNoticeRequest").count() == 1

    services.ship(
        order.pk, STAFF, carrier="FedEx", tracking_number="7946", quantities={1: D(1), 2: D(1)}
    )
    _, notice = _sent("ShipNoticeRequest", dtd_dir)
    assert notice.header.fulfillment_type == "complete"
    assert [(i.line_number, i.quantity) for i in notice.portions[0].items] == [
        (1, D(1)),
        (2, D(1)),
    ]
    order.refresh_from_db()
    assert order.state == State.SHIPPED
    assert services.shipped(order) == {line.pk: line.quantity for line in order.lines.all()}


def test_invoice_only_what_was_shipped_with_decimal_totals(
    order: PurchaseOrder, dtd_dir: Path
) -> None:
    services.confirm(order.pk, STAFF)
    services.ship(order.pk, STAFF, carrier="UPS", tracking_number="1Z", quantities={1: D(2)})
    with pytest.raises(FulfilmentError, match="0 shipped units are not invoiced"):
        services.invoice(order.pk, STAFF, quantities={2: D(1)}, tax_rate=D(0), shipping=D(0))

    sent = services.invoice(
        order.pk, STAFF, quantities={1: D(2)}, tax_rate=D("8.875"), shipping=D("5.00")
    )

    _, invoice = _sent("InvoiceDetailRequest", dtd_dir)
    assert isinstance(invoice, InvoiceDetailRequest)
    subtotal = D("28.98")  # 2 x 14.49
    tax = D("2.57")  # 8.875 % of 28.98 = 2.571975, half up
    summary = invoice.summary
    assert summary.subtotal_amount.money.amount == subtotal
    assert summary.tax.money.amount == tax
    assert summary.tax.details[0].percentage_rate == D("8.875")
    assert summary.shipping_amount is not None
    assert summary.shipping_amount.money.amount == D("5.00")
    assert summary.net_amount.money.amount == subtotal + tax + D("5.00")
    (item,) = invoice.orders[0].items
    assert (item.invoice_line_number, item.item_reference.line_number, item.quantity) == (1, 1, 2)
    assert (sent.subtotal, sent.tax, sent.total) == (subtotal, tax, D("36.55"))
    order.refresh_from_db()
    assert order.state == State.PARTIALLY_SHIPPED

    services.ship(order.pk, STAFF, carrier="UPS", tracking_number="1Z3", quantities={2: D(1)})
    services.invoice(order.pk, STAFF, quantities={2: D(1)}, tax_rate=D(0), shipping=D(0))
    order.refresh_from_db()
    assert order.state == State.INVOICED
    with pytest.raises(FulfilmentError):
        services.invoice(order.pk, STAFF, quantities={2: D(1)}, tax_rate=D(0), shipping=D(0))


def test_configured_urls_win_over_the_defaults(
    order: PurchaseOrder, system: PurchasingSystem
) -> None:
    system.ship_notice_url = "http://127.0.0.1:8003/asn"
    system.save()
    services.confirm(order.pk, STAFF)
    services.ship(order.pk, STAFF, carrier="UPS", tracking_number="1Z", quantities={1: D(1)})

    urls = dict(OutboundDelivery.objects.values_list("document_type", "url"))
    assert urls == {
        "ConfirmationRequest": "http://127.0.0.1:8002/cxml/confirmation",
        "ShipNoticeRequest": "http://127.0.0.1:8003/asn",
    }
    target = PurchasingSystemTargets().target(str(system.pk))
    assert target.policy is not None
    assert target.policy.allowed == frozenset({"127.0.0.1:8002", "127.0.0.1:8003"})


def test_the_delivery_target_is_the_integrations_auth(system: PurchasingSystem) -> None:
    target = PurchasingSystemTargets().target(str(system.pk))

    assert isinstance(target.auth, BasicAuth)
    assert target.user_agent.endswith("PunchIn 1.0")
    for unknown in ("999999", "not-a-number"):
        with pytest.raises(UnknownPartner):
            PurchasingSystemTargets().target(unknown)


def test_a_failed_action_leaves_nothing_behind(order: PurchaseOrder) -> None:
    """The action and its document commit together or not at all."""
    with pytest.raises(FulfilmentError, match="received cannot take"):
        services.ship(order.pk, STAFF, carrier="UPS", tracking_number="1Z", quantities={1: D(1)})

    assert not OutboundDelivery.objects.exists()
    assert not CxmlDocument.objects.filter(direction="out", document_type="ShipNoticeRequest")
    order.refresh_from_db()
    assert order.state == State.RECEIVED
