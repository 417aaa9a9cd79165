"""Classic PunchOut as the supplier judges it (``punchin.cxml.session``, P26-P34), and
the cart's form field (``punchin.cxml.formpost``)."""

from __future__ import annotations

import base64
from dataclasses import replace
from decimal import Decimal
from pathlib import Path

import pytest

from punchin.cxml import CXMLError, parse, serialize
from punchin.cxml.build import Parties
from punchin.cxml.cart import Line, punch_out_order_message
from punchin.cxml.common import URL, Contact, Email, Extrinsic, Name, Status
from punchin.cxml.envelope import Message
from punchin.cxml.formpost import BASE64, URLENCODED, field_value
from punchin.cxml.punchout import BrowserFormPost, BuyerCookie, PunchOutOrderMessage
from punchin.cxml.session import User, check_setup_request, operation_allowed, user_of
from punchin.cxml.validate import validate
from tests.cxml import builders

PARTIES = Parties("NetworkID", "Store", "Buyer", "Store", "secret", "punchin tests")
LINE = Line(
    quantity=2,
    supplier_part_id="OF-1",
    supplier_part_auxiliary_id="offer-1",
    description="Gel pens, 12 pack, black ink",
    short_name="Gel pens",
    unit_price=Decimal("14.49"),
    unit_of_measure="PK",
    unspsc="44121701",
    manufacturer_part_id="31020",
    manufacturer_name="Pilot",
    url="https://store.example/products/OF-1",
    lead_time_days=2,
)


def test_a_usual_setup_request_opens_a_session() -> None:
    for operation in ("create", "edit", "inspect"):
        check_setup_request(builders.punchout_setup_request(operation))


@pytest.mark.parametrize(
    ("change", "code", "says"),
    [
        ({"operation": "source"}, 450, "is not supported"),
        ({"operation": "delete"}, 400, "is not one of create, edit, inspect"),
        ({"buyer_cookie": BuyerCookie(value="  ")}, 400, "BuyerCookie is empty"),
        ({"buyer_cookie": BuyerCookie(value="c" * 2001)}, 400, "at most 2000"),
        ({"browser_form_post": None}, 400, "BrowserFormPost is missing"),
        (
            {"browser_form_post": BrowserFormPost(url=URL(value="javascript:alert(1)"))},
            400,
            "not an http or https URL",
        ),
        (
            {"browser_form_post": BrowserFormPost(url=URL(value="https:///no-host"))},
            400,
            "not an http or https URL",
        ),
        ({"contacts": (), "extrinsics": ()}, 400, "the request names no user"),
    ],
)
def test_what_no_session_can_be_opened_for(change: dict[str, object], code: int, says: str) -> None:
    with pytest.raises(CXMLError) as refused:
        check_setup_request(replace(builders.punchout_setup_request(), **change))
    assert refused.value.code == code
    assert says in refused.value.detail


def test_the_user_is_the_end_user_contact_else_the_user_email() -> None:
    """P29: an endUser Contact with an Email first, then any Contact, then UserEmail."""
    request = builders.punchout_setup_request()
    requester = Contact(
        role="requester", name=Name(value="Rae Q", lang="en"), emails=(Email(value="rq@a.example"),)
    )
    end_user = Contact(
        role="endUser", name=Name(value="Eve U", lang="en"), emails=(Email(value="eu@a.example"),)
    )
    assert user_of(replace(request, contacts=(requester, end_user))) == User(
        "eu@a.example", "Eve U"
    )
    assert user_of(replace(request, contacts=(requester,))) == User("rq@a.example", "Rae Q")
    no_email = replace(end_user, emails=())
    extrinsic = (Extrinsic(name="UserEmail", value=" ue@a.example "),)
    assert user_of(replace(request, contacts=(no_email,), extrinsics=extrinsic)) == User(
        "ue@a.example", ""
    )
    assert user_of(replace(request, contacts=(), extrinsics=())) is None


def test_what_a_returned_cart_allows_next() -> None:
    """P32: shopped in create or edit, it may be edited; inspected, only inspected."""
    assert [operation_allowed(op) for op in ("create", "edit", "inspect")] == [
        "edit",
        "edit",
        "inspect",
    ]


@pytest.mark.parametrize("field", [URLENCODED, BASE64])
def test_the_cart_in_its_form_field_is_the_document(field: str, dtd_dir: Path) -> None:
    """P32, P33: the session's BuyerCookie, operationAllowed, SupplierPartAuxiliaryID;
    the field's value gives back the exact bytes, non-ASCII text included."""
    cart = punch_out_order_message(
        "cart-1@store",
        PARTIES,
        [replace(LINE, description="Kugelschreiber, blau & rot <fein>")],
        "EUR",
        buyer_cookie="cookie & <more>",
        operation_allowed="edit",
    )
    raw = serialize(cart)
    assert validate(raw, dtd_dir) == []
    assert b"SharedSecret" not in raw
    value = field_value(raw, field)
    back = base64.b64decode(value) if field == BASE64 else value.encode()
    assert back == raw
    message = parse(back).body
    assert isinstance(message, Message)
    assert isinstance(message.payload, PunchOutOrderMessage)
    assert message.payload.buyer_cookie.value == "cookie & <more>"
    assert message.payload.header.operation_allowed == "edit"
    (item,) = message.payload.items
    assert item.item_id.supplier_part_auxiliary_id is not None
    assert item.item_id.supplier_part_auxiliary_id.value == "offer-1"
    with pytest.raises(ValueError, match="unknown cXML form field"):
        field_value(raw, "cxml")


def test_an_empty_cart_with_status_204_is_valid(dtd_dir: Path) -> None:
    """P34: no ItemIn, a zero Total, and a Message Status saying nothing came back."""
    status = Status(code=204, text="No Content", detail="cancelled", lang="en-US")
    raw = serialize(punch_out_order_message("empty@store", PARTIES, [], "USD", status=status))
    assert validate(raw, dtd_dir) == []
    message = parse(raw).body
    assert isinstance(message, Message)
    assert message.status is not None
    assert message.status.code == 204
    assert isinstance(message.payload, PunchOutOrderMessage)
    assert message.payload.items == ()
    assert message.payload.header.total.money.amount == 0
