"""OCI's form fields (docs/oci.md): a cart's lines written and read back unchanged, the
long text in 132-character chunks, names in any case, and every way a posted cart is
refused named by its field and line."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from punchin.cxml import oci
from punchin.cxml.cart import Line
from punchin.cxml.errors import BadRequest, NotImplementedRequest, PayloadTooLarge

# Text as a form carries it: no control characters (an HTML attribute cannot hold
# them), no surrogates, and a line break only as LF (a browser posts CR LF).
_CHARACTERS = st.characters(exclude_categories=("Cc", "Cs"), include_characters="\n")


def _text(max_size: int, *, min_size: int = 0) -> st.SearchStrategy[str]:
    """A single-line field as sent, without surrounding spaces (the reader strips them)."""
    chars = st.characters(exclude_categories=("Cc", "Cs", "Zl", "Zp"))
    return st.text(chars, min_size=min_size, max_size=max_size).filter(
        lambda text: text == text.strip()
    )


def _amount(places: int, *, minimum: str = "0") -> st.SearchStrategy[Decimal]:
    return st.decimals(
        min_value=Decimal(minimum),
        max_value=Decimal("999999999"),
        places=places,
        allow_nan=False,
        allow_infinity=False,
    )


# No deadline: the machine is shared, and a slow example is not a wrong one.
EXAMPLES = settings(max_examples=100, deadline=None)
_UNIT = st.from_regex(r"[A-Z0-9]{2,3}", fullmatch=True)
_CURRENCY = st.sampled_from(["USD", "EUR", "GBP", "CHF", "JPY"])


@st.composite
def _other(draw: st.DrawFn) -> tuple[tuple[str, str], ...]:
    names = draw(st.lists(st.sampled_from(oci.OTHER), unique=True, max_size=6))
    return tuple(
        (name, draw(_text(oci.LENGTHS[name], min_size=1))) for name in oci.OTHER if name in names
    )


@st.composite
def items(draw: st.DrawFn, currency: str) -> oci.Item:
    return oci.Item(
        description=draw(_text(40, min_size=1)),
        quantity=draw(_amount(3, minimum="0.001")),
        unit=draw(_UNIT),
        price=draw(_amount(4)),
        currency=currency,
        vendormat=draw(_text(40, min_size=1)),
        price_unit=draw(st.sampled_from([Decimal(1), Decimal(10), Decimal(100), Decimal(1000)])),
        ext_product_id=draw(_text(40)),
        matgroup=draw(_text(10)),
        manufactmat=draw(_text(40)),
        leadtime=draw(st.none() | st.integers(0, 99999)),
        longtext=draw(st.text(_CHARACTERS, max_size=600)),
        other=draw(_other()),
    )


@st.composite
def carts(draw: st.DrawFn) -> tuple[oci.Item, ...]:
    currency = draw(_CURRENCY)
    return tuple(draw(st.lists(items(currency), min_size=1, max_size=5)))


@given(carts())
@EXAMPLES
def test_a_cart_reads_back_as_it_was_written(cart: tuple[oci.Item, ...]) -> None:
    fields = oci.encode(cart)
    assert oci.decode(fields, max_lines=10) == oci.Cart(cart)


@given(carts(), st.data())
@EXAMPLES
def test_field_names_are_read_in_any_case(cart: tuple[oci.Item, ...], data: st.DataObject) -> None:
    fields = oci.encode(cart)
    cased = [
        (data.draw(st.sampled_from([name.lower(), name.upper(), name.title()])), value)
        for name, value in fields
    ]
    assert oci.decode(cased, max_lines=10).items == cart


@given(st.text(_CHARACTERS, min_size=1, max_size=1000))
@EXAMPLES
def test_the_long_text_goes_in_chunks_of_132(text: str) -> None:
    (item,) = _cart()
    fields = oci.encode([oci.Item(**{**_fields_of(item), "longtext": text})])
    chunks = [value for name, value in fields if name == "NEW_ITEM-LONGTEXT_1:132[]"]
    assert all(len(chunk) <= 132 for chunk in chunks)
    assert len(chunks) == -(-len(text) // 132)
    assert "".join(chunks) == text


@st.composite
def lines(draw: st.DrawFn) -> Line:
    """Lines of ours whose every part OCI carries: a short name within DESCRIPTION's 40
    characters, a description, and no manufacturer name or URL (OCI has neither)."""
    return Line(
        quantity=draw(_amount(3, minimum="0.001")),
        supplier_part_id=draw(_text(40, min_size=1)),
        supplier_part_auxiliary_id=draw(_text(40)),
        description=draw(st.text(_CHARACTERS, min_size=1, max_size=400)),
        short_name=draw(_text(40, min_size=1)),
        unit_price=draw(_amount(2)),
        unit_of_measure=draw(_UNIT),
        unspsc=draw(st.from_regex(r"[0-9]{8}", fullmatch=True)),
        manufacturer_part_id=draw(_text(40)),
        manufacturer_name="",
        url="",
        lead_time_days=draw(st.none() | st.integers(0, 365)),
        price_basis_quantity=draw(st.none() | st.sampled_from([Decimal(12), Decimal(100)])),
    )


@given(st.lists(lines(), min_size=1, max_size=4), _CURRENCY)
@EXAMPLES
def test_our_cart_lines_survive_the_trip_through_oci(sent: list[Line], currency: str) -> None:
    fields = oci.encode([oci.from_line(line, currency) for line in sent])
    cart = oci.decode(fields, max_lines=10)
    assert [oci.to_line(item) for item in cart.items] == sent
    assert cart.currency == currency


def test_a_long_short_name_is_cut_to_forty_and_the_description_kept() -> None:
    line = Line(
        quantity=2,
        supplier_part_id="OF-10001",
        supplier_part_auxiliary_id="offer-1",
        description="Pilot G2 gel pens, fine point, black ink, twelve to a pack, refillable",
        short_name="",
        unit_price=Decimal("14.49"),
        unit_of_measure="PK",
        unspsc="44121701",
        manufacturer_part_id="31020",
        manufacturer_name="Pilot",
        url="https://shop.example/p/OF-10001",
        lead_time_days=2,
    )
    item = oci.from_line(line, "USD")
    assert item.description == "Pilot G2 gel pens, fine point, black ink"
    assert item.longtext == line.description
    fields = dict(oci.encode([item]))
    assert fields["NEW_ITEM-VENDORMAT[1]"] == "OF-10001"
    assert fields["NEW_ITEM-EXT_PRODUCT_ID[1]"] == "offer-1"
    assert fields["NEW_ITEM-MATGROUP[1]"] == "44121701"
    assert fields["NEW_ITEM-PRICEUNIT[1]"] == "1"
    assert fields["NEW_ITEM-LEADTIME[1]"] == "2"


def test_a_part_number_longer_than_oci_keeps_is_not_cut() -> None:
    (item,) = _cart()
    with pytest.raises(ValueError, match=r"NEW_ITEM-VENDORMAT\[1\].*OCI keeps 40"):
        oci.encode([oci.Item(**{**_fields_of(item), "vendormat": "P" * 41})])


# --- reading what catalogs send -------------------------------------------------------------


def _form(**overrides: str) -> list[tuple[str, str]]:
    """One line as a catalog posts it; ``overrides`` by field (``None``-like ``""``
    removes it)."""
    values = {
        "DESCRIPTION": "Gel pens, black, 12",
        "QUANTITY": "00000000002.000",
        "UNIT": "PK",
        "PRICE": "14.49",
        "PRICEUNIT": "1",
        "CURRENCY": "USD",
        "VENDORMAT": "OF-10001",
        "LEADTIME": "00002",
        **overrides,
    }
    return [(f"NEW_ITEM-{name}[1]", value) for name, value in values.items() if value != "-"]


def _cart() -> tuple[oci.Item, ...]:
    return oci.decode(_form(), max_lines=10).items


def _fields_of(item: oci.Item) -> dict[str, object]:
    return {name: getattr(item, name) for name in oci.Item.__slots__}


def test_a_catalogs_padded_numbers_are_read() -> None:
    """meplato/sapoci writes QUANTITY as %015.3f and LEADTIME as %05d."""
    (item,) = _cart()
    assert (item.quantity, item.price, item.price_unit, item.leadtime) == (
        Decimal(2),
        Decimal("14.49"),
        Decimal(1),
        2,
    )


def _refusal(fields: list[tuple[str, str]]) -> str:
    with pytest.raises(BadRequest) as refused:
        oci.decode(fields, max_lines=10)
    return refused.value.detail


@pytest.mark.parametrize(
    ("overrides", "said"),
    [
        ({"DESCRIPTION": "-"}, "NEW_ITEM-DESCRIPTION[1] is missing: every line needs a"),
        ({"DESCRIPTION": "   "}, "NEW_ITEM-DESCRIPTION[1] is missing"),
        ({"QUANTITY": "-"}, "NEW_ITEM-QUANTITY[1] is missing"),
        (
            {"QUANTITY": "2,5"},
            "NEW_ITEM-QUANTITY[1] '2,5' is not a number (OCI numbers use a decimal point: 11.3)",
        ),
        ({"QUANTITY": "1e3"}, "NEW_ITEM-QUANTITY[1] '1e3' is not a number"),
        ({"QUANTITY": "NaN"}, "NEW_ITEM-QUANTITY[1] 'NaN' is not a number"),
        ({"QUANTITY": "0"}, "NEW_ITEM-QUANTITY[1] 0 is not positive"),
        ({"QUANTITY": "1234567890"}, "has 10 digits before the decimal point"),
        ({"UNIT": "Stk"}, "NEW_ITEM-UNIT[1] 'Stk' is not a UN/CEFACT unit code"),
        ({"UNIT": "Stück"}, "not a UN/CEFACT unit code (2 or 3 letters or digits: EA, PCE"),
        ({"UNIT": "-"}, "NEW_ITEM-UNIT[1] is missing"),
        ({"PRICE": "-"}, "NEW_ITEM-PRICE[1] is missing"),
        ({"PRICE": "-3"}, "NEW_ITEM-PRICE[1] -3 is negative"),
        ({"PRICE": "14.49999"}, "has 5 decimal places; at most 4 are allowed"),
        ({"PRICEUNIT": "0"}, "NEW_ITEM-PRICEUNIT[1] 0 is not positive: PRICE is the price of"),
        ({"PRICEUNIT": "per 100"}, "NEW_ITEM-PRICEUNIT[1] 'per 100' is not a number"),
        ({"CURRENCY": "-"}, "NEW_ITEM-CURRENCY[1] is missing"),
        ({"CURRENCY": "US$"}, "NEW_ITEM-CURRENCY[1] 'US$' is not an ISO 4217 code"),
        ({"VENDORMAT": "-"}, "NEW_ITEM-VENDORMAT[1] is missing: the supplier's part number"),
        ({"LEADTIME": "3 days"}, "NEW_ITEM-LEADTIME[1] '3 days' is not a whole number of days"),
        ({"VENDORMAT": "P" * 256}, "NEW_ITEM-VENDORMAT[1] has 256 characters; at most 255"),
        ({"PARENT_ID": "1"}, "NEW_ITEM-PARENT_ID[1]: item hierarchies (OCI 5.0) are not read"),
    ],
)
def test_a_bad_field_is_named_with_its_line(overrides: dict[str, str], said: str) -> None:
    detail = _refusal(_form(**overrides))
    assert detail.startswith("cart refused: ")
    assert said in detail


def test_a_lower_case_currency_is_read_as_the_code() -> None:
    (item,) = oci.decode(_form(CURRENCY="usd"), max_lines=10).items
    assert item.currency == "USD"


def test_the_price_is_for_the_price_unit() -> None:
    """gatebold: PRICE=12.50 with PRICEUNIT=1000 is 12.50 for a thousand."""
    (item,) = oci.decode(_form(QUANTITY="2000", PRICE="12.50", PRICEUNIT="1000"), 10).items
    assert item.subtotal == Decimal(25)
    (line,) = oci.cart_message(oci.Cart((item,))).items
    assert line.item_detail.price_basis_quantity is not None
    assert line.item_detail.price_basis_quantity.quantity == 1000


def test_every_problem_of_every_line_is_listed() -> None:
    fields = _form(QUANTITY="x") + [
        (name.replace("[1]", "[2]"), value) for name, value in _form(UNIT="?", PRICE="-")
    ]
    detail = _refusal(fields)
    assert "NEW_ITEM-QUANTITY[1] 'x' is not a number" in detail
    assert "NEW_ITEM-UNIT[2] '?' is not a UN/CEFACT unit code" in detail
    assert "NEW_ITEM-PRICE[2] is missing" in detail


def test_one_cart_one_currency() -> None:
    fields = _form() + [(n.replace("[1]", "[2]"), v) for n, v in _form(CURRENCY="EUR")]
    detail = _refusal(fields)
    assert "NEW_ITEM-CURRENCY[2] is EUR but the first line's is USD: a cart has one currency" in (
        detail
    )


def test_a_field_sent_twice_is_refused() -> None:
    detail = _refusal([*_form(), ("NEW_ITEM-PRICE[1]", "1.00")])
    assert "NEW_ITEM-PRICE[1] was sent twice" in detail


def test_lines_are_taken_in_the_order_of_their_numbers_from_zero_or_with_holes() -> None:
    """Some catalogs count from 0 (agiqon's start index); meplato/sapoci reads past holes."""

    def line(index: int, part: str) -> list[tuple[str, str]]:
        return [(n.replace("[1]", f"[{index}]"), v) for n, v in _form(VENDORMAT=part)]

    cart = oci.decode(line(7, "C") + line(0, "A") + line(3, "B"), max_lines=10)
    assert [item.vendormat for item in cart.items] == ["A", "B", "C"]
    assert [i.line_number for i in oci.cart_message(cart).items] == [1, 2, 3]


@pytest.mark.parametrize(
    "name",
    ["NEW_ITEM-LONGTEXT_1:132[]", "new_item-longtext_1:132", "NEW_ITEM-LONGTEXT_1:132[1]"],
)
def test_the_long_text_names_catalogs_use_are_read(name: str) -> None:
    """The standard name, and the two meplato/sapoci accepts because catalogs send them."""
    fields = [*_form(), (name, "Twelve pens, "), (name, "black ink.\r\nRefillable.")]
    (item,) = oci.decode(fields, max_lines=10).items
    assert item.longtext == "Twelve pens, black ink.\nRefillable."


def test_fields_oci_does_not_define_are_read_past_and_reported() -> None:
    fields = [*_form(), ("NEW_ITEM-URL[1]", "https://x"), ("NEW_ITEM-TAX_RATE[1]", "19")]
    cart = oci.decode([*fields, ("~OkCode", "ADDI"), ("~caller", "CTLG")], max_lines=10)
    assert cart.ignored == ("URL", "TAX_RATE")
    assert len(cart.items) == 1


def test_a_name_without_a_line_number_is_refused() -> None:
    detail = _refusal([*_form(), ("NEW_ITEM-DESCRIPTION", "no index")])
    assert "field 'NEW_ITEM-DESCRIPTION' is not NEW_ITEM-<FIELD>[<line>]" in detail


def test_a_form_without_new_item_fields_is_an_empty_cart() -> None:
    assert oci.decode([("~OkCode", "ADDI"), ("~TARGET", "_top")], max_lines=10) == oci.Cart(())


def test_the_number_of_lines_is_bounded() -> None:
    fields = [(f"NEW_ITEM-DESCRIPTION[{n}]", "x") for n in range(1, 6)]
    with pytest.raises(PayloadTooLarge, match="more than 4 lines"):
        oci.decode(fields, max_lines=4)


def test_the_cart_message_is_what_the_cart_reading_takes() -> None:
    fields = [*_form(), ("NEW_ITEM-CUST_FIELD1[1]", "CC-4711"), ("NEW_ITEM-MATNR[1]", "M-1")]
    message = oci.cart_message(oci.decode(fields, max_lines=10))
    (line,) = message.items
    assert line.item_id.supplier_part_id == "OF-10001"
    assert message.header.total.money.amount == Decimal("28.98")
    assert message.header.total.money.currency == "USD"
    assert message.header.operation_allowed == "create"
    assert {(e.name, e.value) for e in line.item_detail.extrinsics} == {
        ("MATNR", "M-1"),
        ("CUST_FIELD1", "CC-4711"),
    }


# --- the catalog call ------------------------------------------------------------------------


def test_the_catalog_call_reads_back() -> None:
    call = oci.CatalogCall(
        hook_url="https://buyer.example/punchout/oci/tok?x=1",
        username="acme",
        password="s3cret",
        version="5.0",
        user_email="pat@acme.example",
        user_name="Pat Buyer",
    )
    fields = oci.call_fields(call)
    assert ("~OkCode", "ADDI") in fields
    assert ("~CALLER", "CTLG") in fields
    read = oci.read_call([(name.lower(), value) for name, value in fields], allow_http=False)
    assert read == oci.CatalogCall(
        hook_url=call.hook_url,
        username="acme",
        password="s3cret",
        version="5.0",
        target="_top",
        user_email="pat@acme.example",
        user_name="Pat Buyer",
        echo=(("~okcode", "ADDI"), ("~target", "_top"), ("~caller", "CTLG")),
    )


def test_returntarget_names_the_frame_when_there_is_no_target() -> None:
    call = oci.read_call(
        [("HOOK_URL", "https://b.example/h"), ("returntarget", "_parent")], allow_http=False
    )
    assert (call.target, call.echo) == ("_parent", ())


@pytest.mark.parametrize(
    ("fields", "said"),
    [
        ([("USERNAME", "acme")], "HOOK_URL is missing: it says where the cart goes back to"),
        ([("HOOK_URL", "javascript:alert(1)")], "is not an http or https URL with a host"),
        ([("HOOK_URL", "http://b.example/h")], "is plain http: the cart can only go back"),
        ([("HOOK_URL", "https://b.example/h h")], "HOOK_URL contains spaces"),
        ([("HOOK_URL", "https://b.example/" + "h" * 2000)], "at most 2000 are accepted"),
        (
            [("HOOK_URL", "https://b.example/h"), ("~TARGET", "x y")],
            "~TARGET 'x y' is not a frame name",
        ),
        ([("HOOK_URL", "https://a.example"), ("hook_url", "https://b.example")], "sent twice"),
        (
            [("HOOK_URL", "https://b.example/h"), ("~OkCode", "A" * 255)],
            "~OkCode has 255 characters; at most 254 are accepted",
        ),
        (
            [("HOOK_URL", "https://b.example/h"), ("USER_NAME", "N" * 201)],
            "USER_NAME has 201 characters; at most 200",
        ),
    ],
)
def test_a_bad_catalog_call_says_what_to_fix(fields: list[tuple[str, str]], said: str) -> None:
    with pytest.raises(BadRequest) as refused:
        oci.read_call(fields, allow_http=False)
    assert said in refused.value.detail


def test_plain_http_where_it_is_allowed() -> None:
    call = oci.read_call([("HOOK_URL", "http://127.0.0.1:8000/h")], allow_http=True)
    assert call.hook_url == "http://127.0.0.1:8000/h"


def test_a_function_call_is_not_offered() -> None:
    fields = [("HOOK_URL", "https://b.example/h"), ("FUNCTION", "BACKGROUND_SEARCH")]
    with pytest.raises(NotImplementedRequest, match="FUNCTION=BACKGROUND_SEARCH is not offered"):
        oci.read_call(fields, allow_http=False)
