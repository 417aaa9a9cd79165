"""The store invoices what the order agreed, delivery included, and credits its invoices.

The purchase order arrives over real HTTP (``/cxml/order`` of a live storefront) with
the cart's Shipping; the staff act on their order page over real HTTP (``Browser``).
Every document queued for procurement is DTD-valid and passes the checks procurement's
invoice reading makes of it (``punchin.cxml.invoice_check``), so what the store sends
is what the buyer can match.
"""

from __future__ import annotations

import html
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from punchin.cxml import invoice_check, parse
from punchin.cxml.envelope import Request
from punchin.cxml.invoice import InvoiceDetailRequest, InvoicePurpose
from punchin.cxml.validate import validate
from punchin.storefront.accounts.services import ensure_staff
from punchin.storefront.orders import services
from punchin.storefront.orders.models import OrderDocument, OutboundKind, PurchaseOrder
from punchin.storefront.orders.services import FulfilmentError
from punchin.storefront.submissions.models import PunchInSubmission
from punchin.web import demo
from punchin.web.delivery.models import OutboundDelivery
from punchin.web.testing import LiveASGIServer

from .conftest import Acme, Browser
from .factories import post, submitted
from .test_delivery import TWO_DAY, ordered

pytestmark = pytest.mark.django_db(transaction=True)

STAFF = demo.FULFILMENT_STAFF
D = Decimal


@pytest.fixture
def order(acme: Acme, dev: Any, storefront: LiveASGIServer) -> PurchaseOrder:
    """PO-1001 (OF-10001 x 2 at 14.49, IT-20001 x 1) paying the cart's two-day delivery
    (12.00 USD), received over HTTP, confirmed and shipped whole."""
    acme.configure("http://127.0.0.1:9/cxml/punchin")
    cart: PunchInSubmission = submitted(acme, speed="two-day")
    code, answer = post(storefront.url + "/cxml/order", ordered(cart))
    assert code == 200, answer
    order = PurchaseOrder.objects.get()
    services.confirm(order.pk, STAFF)
    services.ship(
        order.pk,
        STAFF,
        carrier="UPS",
        tracking_number="1Z",
        quantities={line.line_number: line.quantity for line in order.lines.all()},
    )
    return order


@pytest.fixture
def staff(storefront: LiveASGIServer) -> Browser:
    ensure_staff(demo.FULFILMENT_STAFF, demo.PASSWORD, name="Fran Fulfilment")
    return Browser(storefront.url).sign_in(demo.FULFILMENT_STAFF)


def queued(document: OrderDocument, dtd_dir: Path) -> InvoiceDetailRequest:
    """The InvoiceDetailRequest queued for ``document``: DTD-valid and nothing that
    procurement's reading refuses or finds not adding up."""
    delivery = OutboundDelivery.objects.get(payload_id=document.document.payload_id)
    assert delivery.url == "http://127.0.0.1:9/cxml/invoice"
    raw = bytes(delivery.raw)
    assert validate(raw, dtd_dir) == []
    body = parse(raw).body
    assert isinstance(body, Request)
    assert isinstance(body.payload, InvoiceDetailRequest)
    assert invoice_check.refusals(body.payload) == ()
    assert invoice_check.arithmetic(body.payload) == ()
    return body.payload


def _price(order: PurchaseOrder, number: int) -> Decimal:
    return order.lines.get(line_number=number).unit_price


def _invoice_fields(order: PurchaseOrder, **extra: str) -> dict[str, str]:
    quantities = {f"quantity_{line.line_number}": "0" for line in order.lines.all()}
    return {**quantities, "tax_rate": "0", **extra}


# --- the delivery charge ---------------------------------------------------------------


def test_the_invoice_form_starts_at_the_orders_delivery_charge(
    order: PurchaseOrder, staff: Browser
) -> None:
    page = html.unescape(staff.get(f"/staff/orders/{order.pk}/").text)
    assert 'name="shipping" value="12.00"' in page
    assert "the order's delivery charge (12.00 USD, Two-day)" in page


def test_the_first_invoice_bills_the_orders_delivery_charge_and_the_next_none(
    order: PurchaseOrder, staff: Browser, dtd_dir: Path
) -> None:
    """Sent as the page sends it (shipping as preset): ShippingAmount is the PO's
    Shipping, and the summary adds up: lines + tax + shipping = gross = net = due."""
    reply = staff.post(
        f"/staff/orders/{order.pk}/invoice",
        _invoice_fields(order, quantity_1="2", tax_rate="8.875", shipping="12.00"),
    )
    assert reply.status == 302, reply.text
    first = OrderDocument.objects.get(kind=OutboundKind.INVOICE)
    summary = queued(first, dtd_dir).summary
    subtotal, tax = 2 * D("14.49"), D("2.57")
    assert summary.shipping_amount is not None
    assert summary.shipping_amount.money.amount == TWO_DAY
    assert summary.gross_amount is not None
    assert summary.gross_amount.money.amount == subtotal + tax + TWO_DAY
    assert summary.due_amount is not None
    assert summary.due_amount.money.amount == subtotal + tax + TWO_DAY
    assert services.delivery_to_invoice(order) == 0

    page = staff.get(f"/staff/orders/{order.pk}/").text
    assert 'name="shipping" value="0"' in page or 'name="shipping" value="0.00"' in page
    second = services.invoice(order.pk, STAFF, quantities={2: D(1)}, tax_rate=D(0))
    assert queued(second, dtd_dir).summary.shipping_amount.money.amount == 0  # type: ignore[union-attr]
    assert second.shipping == 0


def test_an_order_without_shipping_is_invoiced_without_a_delivery_charge(
    acme: Acme, dev: Any, storefront: LiveASGIServer, dtd_dir: Path
) -> None:
    acme.configure("http://127.0.0.1:9/cxml/punchin")
    code, answer = post(storefront.url + "/cxml/order", ordered(submitted(acme), shipping=None))
    assert code == 200, answer
    order = PurchaseOrder.objects.get()
    assert order.shipping is None
    services.confirm(order.pk, STAFF)
    services.ship(order.pk, STAFF, carrier="UPS", tracking_number="1Z", quantities={1: D(2)})
    sent = services.invoice(order.pk, STAFF, quantities={1: D(2)}, tax_rate=D(0))
    assert sent.shipping == 0
    assert queued(sent, dtd_dir).summary.net_amount.money.amount == 2 * D("14.49")


# --- credit memos ----------------------------------------------------------------------


@pytest.fixture
def invoiced(order: PurchaseOrder) -> OrderDocument:
    """INV-<pk>-1: the whole order at 8.875 % tax with its 12.00 delivery."""
    return services.invoice(
        order.pk, STAFF, quantities={1: D(2), 2: D(1)}, tax_rate=D("8.875"), shipping=None
    )


def test_credit_memo_of_units_is_a_line_level_credit_memo_naming_the_invoice(
    order: PurchaseOrder, invoiced: OrderDocument, staff: Browser, dtd_dir: Path
) -> None:
    """One box back: a negative quantity at the unit price invoiced, tax at the
    invoice's rate, DocumentReference and InvoiceIDInfo naming the invoice."""
    reply = staff.post(
        f"/staff/orders/{order.pk}/credit",
        {
            "invoice": invoiced.number,
            "quantity_1": "1",
            "quantity_2": "0",
            "amount": "",
            "reason": "One box arrived crushed",
        },
    )
    assert reply.status == 302, reply.text
    memo = OrderDocument.objects.get(kind=OutboundKind.CREDIT_MEMO)
    assert (memo.credits, memo.reason) == (invoiced, "One box arrived crushed")
    sent = queued(memo, dtd_dir)
    header = sent.header
    assert header.purpose == InvoicePurpose.LINE_LEVEL_CREDIT_MEMO
    assert header.document_reference is not None
    assert header.document_reference.payload_id == invoiced.document.payload_id
    assert header.invoice_id_info is not None
    assert header.invoice_id_info.invoice_id == invoiced.number
    assert header.comments is not None
    assert header.comments.text == "One box arrived crushed"
    (item,) = sent.orders[0].items
    assert (item.item_reference.line_number, item.quantity) == (1, D(-1))
    assert item.unit_price.money.amount == D("14.49")
    tax = D("-1.29")  # 8.875 % of 14.49 = 1.2859..., half up
    assert sent.summary.tax.money.amount == tax
    assert sent.summary.due_amount is not None
    assert sent.summary.due_amount.money.amount == D("-14.49") + tax
    assert memo.total == D("-14.49") + tax
    assert OutboundDelivery.objects.get(payload_id=memo.document.payload_id).state == "pending"
    page = html.unescape(staff.get(f"/staff/orders/{order.pk}/").text)
    assert f"Credit memo CM-{order.pk}-1" in page
    assert f"credits {invoiced.number} · “One box arrived crushed”" in page


def test_credit_memo_of_an_amount_is_a_header_credit_memo(
    order: PurchaseOrder, invoiced: OrderDocument, dtd_dir: Path
) -> None:
    memo = services.credit(
        order.pk,
        STAFF,
        invoice_number=invoiced.number,
        reason="Late delivery: goodwill",
        amount=D("5.00"),
    )
    sent = queued(memo, dtd_dir)
    assert sent.header.purpose == InvoicePurpose.CREDIT_MEMO
    assert sent.header.header_indicator.is_header_invoice == "yes"
    assert sent.orders == ()
    (header_order,) = sent.header_orders
    assert header_order.summary.subtotal_amount.money.amount == D("-5.00")
    assert sent.summary.due_amount is not None
    assert sent.summary.due_amount.money.amount == D("-5.00")
    assert not memo.lines.exists()


def test_a_credit_beyond_what_was_invoiced_is_refused_saying_what_is_left(
    order: PurchaseOrder, invoiced: OrderDocument, staff: Browser
) -> None:
    assert invoiced.total is not None
    goodwill = invoiced.total - D("9.33")
    services.credit(
        order.pk, STAFF, invoice_number=invoiced.number, reason="Goodwill", amount=goodwill
    )
    with pytest.raises(FulfilmentError, match=r"leaves 9\.33 to credit"):
        services.credit(
            order.pk, STAFF, invoice_number=invoiced.number, reason="Again", amount=D("9.34")
        )
    with pytest.raises(FulfilmentError, match="leaves 2 to credit"):
        services.credit(
            order.pk, STAFF, invoice_number=invoiced.number, reason="Back", quantities={1: D(3)}
        )
    with pytest.raises(FulfilmentError, match="Say why"):
        services.credit(order.pk, STAFF, invoice_number=invoiced.number, reason=" ", amount=D(1))
    with pytest.raises(FulfilmentError, match="not both"):
        services.credit(
            order.pk,
            STAFF,
            invoice_number=invoiced.number,
            reason="Both",
            amount=D(1),
            quantities={1: D(1)},
        )
    with pytest.raises(FulfilmentError, match="has no invoice INV-0"):
        services.credit(order.pk, STAFF, invoice_number="INV-0", reason="x", amount=D(1))

    # The page says it too, and nothing is sent.
    reply = staff.post(
        f"/staff/orders/{order.pk}/credit",
        {
            "invoice": invoiced.number,
            "quantity_1": "0",
            "quantity_2": "0",
            "amount": "10.00",
            "reason": "Too much",
        },
    )
    assert reply.status == 400
    assert "leaves 9.33 to credit" in html.unescape(reply.text)
    assert OrderDocument.objects.filter(kind=OutboundKind.CREDIT_MEMO).count() == 1
    assert OutboundDelivery.objects.filter(document_type="InvoiceDetailRequest").count() == 2
