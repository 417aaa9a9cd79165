"""docs/product-names.md on procurement's side: a line's name is its ShortName, else the
first line of its Description text (Ariba's and Coupa's carts often carry only the
text); the requisition, the approval queue and the purchase order show that name, and
the OrderRequest sends each Description as the cart had it."""

from __future__ import annotations

import re
from collections.abc import Callable
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from punchin.cxml import parse
from punchin.cxml.common import Description, ShortName, Total
from punchin.cxml.envelope import Request
from punchin.cxml.order import OrderRequest
from punchin.cxml.punchout import ItemIn, PunchOutOrderMessage, PunchOutOrderMessageHeader
from punchin.procurement.requisitions.cart import CartLine, read_cart
from punchin.web import demo
from punchin.web.delivery.models import OutboundDelivery
from tests.cxml import builders as cxml
from tests.procurement import flow
from tests.signin import login

pytestmark = pytest.mark.django_db

TONER = "Brother TN-760 High Yield Black Toner Cartridge, 3,000 Pages"
TONER_TEXT = "High-yield toner for HL-L2350DW, HL-L2395DW and MFC-L2710DW printers."
CABLE = "Cat6 patch cable, 1.5 m, blue"
CABLE_TEXT = "Snagless RJ45 connectors, 550 MHz."


@pytest.fixture(autouse=True)
def seeded() -> None:
    call_command("seed_demo", storefront_url="http://127.0.0.1:8001")


def _item(line: int, description: Description) -> ItemIn:
    item = cxml.item_in(line)
    detail = item.item_detail
    return ItemIn(
        quantity=item.quantity,
        line_number=line,
        item_id=item.item_id,
        item_detail=type(detail)(
            unit_price=detail.unit_price,
            descriptions=(description,),
            unit_of_measure=detail.unit_of_measure,
            classifications=detail.classifications,
        ),
    )


def _cart_lines() -> tuple[CartLine, ...]:
    """A cart like our store's (line 1: ShortName and text) and like an Ariba or Coupa
    cart (line 2: only the text, the name on its first line)."""
    items = (
        _item(1, Description(text=TONER_TEXT, lang="en", short_name=ShortName(value=TONER))),
        _item(2, Description(text=f"{CABLE}\n{CABLE_TEXT}", lang="en")),
    )
    total = sum((cxml.line_amount(n) for n in (1, 2)), Decimal(0))
    message = PunchOutOrderMessage(
        buyer_cookie=cxml.punchout_order_message().buyer_cookie,
        header=PunchOutOrderMessageHeader(
            operation_allowed="create", total=Total(money=cxml.money(total))
        ),
        items=items,
    )
    return read_cart(message, max_lines=100).lines


def _signed_in(email: str) -> Client:
    client = Client()
    login(client, email, demo.PASSWORD)
    return client


def _names(page: str) -> list[str]:
    return re.findall(r'<span class="item-name">(.*?)</span>', page)


def test_each_line_is_named_by_its_short_name_or_the_first_line_of_its_text() -> None:
    requisition = flow.draft(_cart_lines())
    first, second = (line.named for line in requisition.lines.order_by("line_number"))
    assert (first.name, first.details) == (TONER, TONER_TEXT)
    assert (second.name, second.details) == (CABLE, CABLE_TEXT)


def test_the_requisition_and_the_approval_queue_show_the_names() -> None:
    requisition = flow.submitted(_cart_lines())
    page = (
        _signed_in(demo.PUNCHIN_BUYER)
        .get(reverse("requisitions:detail", args=[requisition.number]))
        .content.decode()
    )
    assert _names(page) == [TONER, CABLE]
    assert CABLE_TEXT in page
    assert TONER_TEXT in page
    assert page.count(CABLE) == 1  # the text's first line is the name, not said twice
    queue = _signed_in(demo.APPROVER).get(reverse("approvals:queue")).content.decode()
    assert _names(queue) == [TONER]
    assert "and 1 more item" in queue


def test_the_purchase_order_shows_the_names_and_sends_each_description_as_the_cart_had_it(
    assert_valid: Callable[[bytes], None],
) -> None:
    order = flow.approved(_cart_lines())
    page = (
        _signed_in(demo.PUNCHIN_BUYER)
        .get(reverse("orders:detail", args=[order.number]))
        .content.decode()
    )
    assert _names(page) == [TONER, CABLE]
    row = OutboundDelivery.objects.get(document_type="OrderRequest")
    assert_valid(bytes(row.raw))
    body = parse(bytes(row.raw)).body
    assert isinstance(body, Request)
    assert isinstance(body.payload, OrderRequest)
    first, second = (item.item_detail.descriptions[0] for item in body.payload.items)
    assert (first.short_name.value if first.short_name else None, first.text) == (TONER, TONER_TEXT)
    # No ShortName the supplier did not send: the text goes back as it came.
    assert (second.short_name, second.text) == (None, f"{CABLE}\n{CABLE_TEXT}")
