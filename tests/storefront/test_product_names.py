"""docs/product-names.md on the store's side: the product's name (its title) travels as
Description/ShortName with the description as the text; the purchase order keeps it,
the staff and the buyer's order history show it, and the invoice sends it on."""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.test import Client

from punchin.cxml import parse
from punchin.cxml.envelope import Message, Request
from punchin.cxml.invoice import InvoiceDetailRequest
from punchin.cxml.punchout import PunchOutOrderMessage
from punchin.cxml.validate import validate
from punchin.storefront.accounts.services import ensure_staff
from punchin.storefront.documents.models import CxmlDocument
from punchin.storefront.orders import receive, services
from punchin.storefront.orders.models import PurchaseOrder
from punchin.web import demo
from punchin.web.delivery.models import OutboundDelivery
from punchin.web.documents import Direction
from tests.signin import login

from .conftest import Acme, product
from .factories import cart_items, from_procurement, order_request, received_order, submitted

PARTS = ("OF-10001", "IT-20001")  # the factory's cart


def _order(acme: Acme, **system: Any) -> PurchaseOrder:
    configured = acme.configure("http://127.0.0.1:8002/cxml/punchin", **system)
    cart = submitted(acme)
    document = from_procurement(order_request(cart_items(cart)), "po-1@procurement")
    entry = CxmlDocument.objects.create(direction=Direction.INBOUND, raw=b"<cXML/>")
    receive.order_request(received_order(configured, document, entry))
    return PurchaseOrder.objects.get()


def _cart_descriptions(raw: bytes) -> list[tuple[str | None, str]]:
    body = parse(raw).body
    assert isinstance(body, Message)
    assert isinstance(body.payload, PunchOutOrderMessage)
    return [
        (d.short_name.value if d.short_name else None, d.text)
        for item in body.payload.items
        for d in item.item_detail.descriptions
    ]


def _names(page: str) -> list[str]:
    return re.findall(r'class="item-name">([^<]*)<', page)


def test_the_cart_names_each_line_by_the_products_title(
    acme: Acme, dev: Any, dtd_dir: Path
) -> None:
    acme.configure("http://127.0.0.1:9/cxml/punchin")
    raw = bytes(submitted(acme).poom.document.raw)
    assert _cart_descriptions(raw) == [
        (product(part).name, product(part).description) for part in PARTS
    ]
    assert validate(raw, dtd_dir) == []


def test_without_short_names_the_name_leads_the_text(acme: Acme, dev: Any, dtd_dir: Path) -> None:
    """For a system whose reader rejects ShortName (docs/compatibility.md), the name is
    the text's first line: read by the rule for carts without one, it is the same."""
    acme.configure("http://127.0.0.1:9/cxml/punchin", omit_optional_elements=True)
    raw = bytes(submitted(acme).poom.document.raw)
    assert _cart_descriptions(raw) == [
        (None, f"{product(part).name}\n{product(part).description}") for part in PARTS
    ]
    assert validate(raw, dtd_dir) == []


def test_the_order_keeps_the_names_and_the_pages_show_them(acme: Acme, dev: Any) -> None:
    order = _order(acme)
    names = [product(part).name for part in PARTS]
    assert [line.name for line in order.lines.all()] == names
    ensure_staff(demo.FULFILMENT_STAFF, demo.PASSWORD)
    staff = Client()
    login(staff, demo.FULFILMENT_STAFF, demo.PASSWORD)
    assert _names(staff.get(f"/staff/orders/{order.pk}/").content.decode()) == names
    buyer = Client()
    login(buyer, demo.PUNCHIN_BUYER, demo.PASSWORD)
    assert _names(buyer.get("/orders/").content.decode()) == names


def test_the_invoice_names_each_line_as_the_order_did(acme: Acme, dev: Any, dtd_dir: Path) -> None:
    order = _order(acme)
    services.confirm(order.pk, "staff")
    quantities = {line.line_number: line.quantity for line in order.lines.all()}
    services.ship(order.pk, "staff", carrier="UPS", tracking_number="1Z", quantities=quantities)
    services.invoice(
        order.pk, "staff", quantities=quantities, tax_rate=Decimal(0), shipping=Decimal(0)
    )
    row = OutboundDelivery.objects.get(document_type="InvoiceDetailRequest")
    assert validate(bytes(row.raw), dtd_dir) == []
    body = parse(bytes(row.raw)).body
    assert isinstance(body, Request)
    assert isinstance(body.payload, InvoiceDetailRequest)
    described = [item.item_reference.description for item in body.payload.orders[0].items]
    assert [(d.short_name.value, d.text) for d in described if d and d.short_name] == [
        (product(part).name, product(part).description) for part in PARTS
    ]
