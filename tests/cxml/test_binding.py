"""The binding engine: compiled readers and the writer, on small models made for the test.

The models here are not cXML; each exercises one shape the engine must handle (an
attribute with a codec, own text, a text child, repeated text, a child model, a choice,
a repeated child), so a failure names the shape rather than a cXML element.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from decimal import Decimal

import pytest

from punchin.cxml import parse, serialize
from punchin.cxml.binding import (
    Element,
    Raw,
    ReadContext,
    attr,
    content,
    element,
    many,
    one,
    read,
    text,
    texts,
    write,
)
from punchin.cxml.errors import BadRequest, PayloadTooLarge, SerializationError
from punchin.cxml.safety import Limits, Repair, parse_tree
from punchin.cxml.values import DATETIME, DECIMAL, UINT


@element("Price")
@dataclass(frozen=True, slots=True, kw_only=True)
class Price(Element):
    amount: Decimal = content(DECIMAL)
    currency: str = attr("currency")
    lang: str | None = attr("xml:lang", default=None)


@element("Note")
@dataclass(frozen=True, slots=True, kw_only=True)
class Note(Element):
    value: str = content(default="")


@element("Ref")
@dataclass(frozen=True, slots=True, kw_only=True)
class Ref(Element):
    id: str = attr("id")


@element("Line", order=("Code", "Price", "Alias", "Memo", "Note", "Ref", "Tail"))
@dataclass(frozen=True, slots=True, kw_only=True)
class Line(Element):
    """``(Code, Price, Alias*, Memo?, (Note | Ref)?, Tail?)``: one of each shape, and
    ``Memo``, a child the content model names but the model does not know."""

    code: str = text("Code")
    price: Price = one(Price)
    aliases: tuple[str, ...] = texts("Alias")
    remark: Note | Ref | None = one(Note, Ref, default=None)
    tail: int | None = text("Tail", UINT, default=None)
    number: int | None = attr("number", UINT, default=None)
    label: str = attr("label", default="none")


@element("Order", order=("Line", "Note"))
@dataclass(frozen=True, slots=True, kw_only=True)
class Order(Element):
    lines: tuple[Line, ...] = many(Line)
    notes: tuple[Note | Ref, ...] = many(Note, Ref)


def read_xml(cls: type[Element], xml: str, *, limits: Limits | None = None) -> Element:
    return read(cls, parse_tree(xml.encode()), ReadContext(limits or Limits(), None))


def write_xml(model: Element) -> str:
    out: list[str] = []
    write(model, out)
    return "".join(out)


def test_reads_every_shape_into_the_same_model_the_constructor_builds() -> None:
    line = read_xml(
        Line,
        '<Line number="7"><Code>A-1</Code><Price currency="EUR" xml:lang="fr">12.50</Price>'
        "<Alias>x</Alias><Alias>y</Alias><Ref id='r1'/><Tail> 3 </Tail></Line>",
    )
    built = Line(
        code="A-1",
        price=Price(amount=Decimal("12.50"), currency="EUR", lang="fr"),
        aliases=("x", "y"),
        remark=Ref(id="r1"),
        tail=3,
        number=7,
    )
    assert line == built
    assert hash(line) == hash(built)
    assert type(line) is Line
    assert line.label == "none"  # the dataclass default, for an absent attribute
    with pytest.raises(dataclasses.FrozenInstanceError):
        line.code = "B"  # type: ignore[misc]


def test_defaults_fill_what_is_absent() -> None:
    line = read_xml(Line, '<Line><Code>A</Code><Price currency="EUR">1</Price></Line>')
    assert line == Line(code="A", price=Price(amount=Decimal(1), currency="EUR"))
    assert (line.aliases, line.remark, line.tail, line.number) == ((), None, None, None)


def test_a_choice_takes_whichever_class_came() -> None:
    order = read_xml(Order, "<Order><Note>n</Note><Ref id='1'/><Note/></Order>")
    assert order == Order(notes=(Note(value="n"), Ref(id="1"), Note(value="")))
    line = read_xml(Line, "<Line><Code>A</Code><Price currency='E'>1</Price><Note>hi</Note></Line>")
    assert line.remark == Note(value="hi")


def test_two_values_for_one_choice_field_are_refused() -> None:
    with pytest.raises(BadRequest, match="Line/Ref appears twice"):
        read_xml(
            Line, "<Line><Code>A</Code><Price currency='E'>1</Price><Note/><Ref id='1'/></Line>"
        )


@pytest.mark.parametrize(
    ("xml", "path"),
    [
        ("<Line><Code>A</Code><Code>B</Code><Price currency='E'>1</Price></Line>", "Line/Code"),
        (
            "<Line><Code>A</Code><Price currency='E'>1</Price><Price currency='E'>2</Price></Line>",
            "Line/Price",
        ),
        (
            "<Line><Code>A</Code><Price currency='E'>1</Price><Tail>1</Tail><Tail>2</Tail></Line>",
            "Line/Tail",
        ),
    ],
)
def test_a_single_child_that_appears_twice_is_refused(xml: str, path: str) -> None:
    with pytest.raises(BadRequest, match=f"^{path} appears twice$") as caught:
        read_xml(Line, xml)
    assert caught.value.code == 400
    assert caught.value.line == 1


@pytest.mark.parametrize(
    ("xml", "missing"),
    [
        ("<Line><Price currency='E'>1</Price></Line>", "element Code"),
        ("<Line><Code>A</Code></Line>", "element Price"),
        ("<Line/>", "element Code, element Price"),
        ("<Line><Code>A</Code><Price>1</Price></Line>", "attribute currency"),
    ],
)
def test_a_missing_required_field_is_named(xml: str, missing: str) -> None:
    with pytest.raises(BadRequest, match=f"lacks required {missing}$"):
        read_xml(Line, xml)


def test_a_missing_required_element_in_a_real_document_names_its_path() -> None:
    poom = (
        b'<cXML payloadID="1@x" timestamp="2024-01-01T00:00:00Z"><Message>'
        b"<PunchOutOrderMessage><BuyerCookie/>"
        b'<PunchOutOrderMessageHeader operationAllowed="edit"/>'
        b"</PunchOutOrderMessage></Message></cXML>"
    )
    with pytest.raises(BadRequest, match="PunchOutOrderMessageHeader lacks required element Total"):
        parse(poom)


def test_bad_values_are_refused_with_the_element_named() -> None:
    with pytest.raises(BadRequest, match=r"Price: '1e3' is not a decimal number"):
        read_xml(Price, "<Price currency='E'>1e3</Price>")
    with pytest.raises(BadRequest, match=r"Tail: '-1' is not a whole number"):
        read_xml(Line, "<Line><Code>A</Code><Price currency='E'>1</Price><Tail>-1</Tail></Line>")


@pytest.mark.parametrize("amount", ["5", "5.", ".5", " 12.50 ", "-3", "+0.25", "007"])
def test_decimals_the_strict_pattern_accepts(amount: str) -> None:
    price = read_xml(Price, f"<Price currency='E'>{amount}</Price>")
    assert price.amount == Decimal(amount.strip())


@pytest.mark.parametrize("amount", ["", ".", "1e3", "1_000", "NaN", "Infinity", "1,5", "1.2.3"])
def test_decimals_the_strict_pattern_refuses(amount: str) -> None:
    with pytest.raises(BadRequest, match="is not a decimal number"):
        read_xml(Price, f"<Price currency='E'>{amount}</Price>")


@element("Count")
@dataclass(frozen=True, slots=True, kw_only=True)
class Count(Element):
    quantity: Decimal = attr("quantity", DECIMAL)
    unit: str = attr("unit", default="EA")


@pytest.mark.parametrize(
    ("amount", "problem"),
    [
        ("100000000000000000000", "has 21 digits before the decimal point; at most 9 are allowed"),
        (
            "1000000000",
            r"has 10 digits before the decimal point; at most 9 are allowed "
            r"\(below 1,000,000,000\)",
        ),
        ("-1000000000.5", "has 10 digits before the decimal point"),
        ("0.123456789012345678901234567891", "has 30 decimal places; at most 4 are allowed"),
        ("1.00001", "has 5 decimal places; at most 4 are allowed"),
    ],
)
def test_numbers_beyond_the_bound_are_refused_naming_the_field_and_the_limit(
    amount: str, problem: str
) -> None:
    """docs/security.md row 24: a value no column of either party can hold is a 400 at
    parse time, whichever document carries it (one bound, DECIMAL_BOUND)."""
    with pytest.raises(BadRequest, match=f"^Price: '{amount}' {problem}"):
        read_xml(Price, f"<Price currency='E'>{amount}</Price>")
    with pytest.raises(BadRequest, match=f"^Count quantity: '{amount}' {problem}"):
        read_xml(Count, f"<Count unit='{amount}' quantity='{amount}'/>")


@pytest.mark.parametrize(
    "amount", ["999999999.9999", "000999999999", "12.500000", "-0.0001", "0.00000000"]
)
def test_numbers_within_the_bound_are_read_as_written(amount: str) -> None:
    """Leading zeros and trailing zeros of the fraction count for nothing."""
    assert read_xml(Price, f"<Price currency='E'>{amount}</Price>").amount == Decimal(amount)  # type: ignore[attr-defined]


def test_counts_fit_every_integer_column() -> None:
    line = "<Line{}><Code>A</Code><Price currency='E'>1</Price><Tail>999999999</Tail></Line>"
    assert read_xml(Line, line.format("")).tail == 999999999  # type: ignore[attr-defined]
    with pytest.raises(BadRequest, match=r"^Line number: '1000000000' is not a whole number"):
        read_xml(Line, line.format(" number='1000000000'"))


def test_lenient_codecs_record_their_repairs() -> None:
    @element("Stamp")
    @dataclass(frozen=True, slots=True, kw_only=True)
    class Stamp(Element):
        at: object = attr("at", DATETIME)

    repairs: list[Repair] = []
    root = parse_tree(b'<Stamp at="2024-03-01 10:00:00"/>')
    stamp = read(Stamp, root, ReadContext(Limits(), repairs))
    assert stamp.at.isoformat() == "2024-03-01T10:00:00+00:00"  # type: ignore[attr-defined]
    assert [r.what for r in repairs] == [
        "Stamp: read '2024-03-01 10:00:00' as 2024-03-01T10:00:00 UTC"
    ]
    with pytest.raises(BadRequest, match="not an ISO 8601 time"):
        read(Stamp, root, ReadContext(Limits(), None))


def test_unknown_attributes_and_elements_are_kept_and_written_back_in_dtd_order() -> None:
    xml = (
        '<Line number="1" future="yes" xml:space="preserve">'
        "<Lead>first</Lead>"  # not in the content model: written after the known children
        "<Code>A</Code>"
        '<Price currency="EUR" cents="1250">12.50<Sub a="1">x</Sub></Price>'
        "<Alias>z</Alias><Note>n</Note><Tail>4</Tail>"
        '<Memo kind="m">late <b>bold</b></Memo></Line>'  # written back between Alias and Note
    )
    line = read_xml(Line, xml)
    assert line.extra_attrs == (
        ("future", "yes"),
        ("{http://www.w3.org/XML/1998/namespace}space", "preserve"),
    )
    assert line.price.extra_attrs == (("cents", "1250"),)
    assert line.price.extras == (Raw("Sub", '<Sub a="1">x</Sub>'),)
    assert line.price.amount == Decimal("12.50")  # the unknown child's text is not the amount
    assert line.extras == (
        Raw("Lead", "<Lead>first</Lead>"),
        Raw("Memo", '<Memo kind="m">late <b>bold</b></Memo>'),
    )
    written = write_xml(line)
    assert written == (
        '<Line number="1" label="none" future="yes" xml:space="preserve">'
        "<Code>A</Code>"
        '<Price currency="EUR" cents="1250">12.50<Sub a="1">x</Sub></Price>'
        '<Alias>z</Alias><Memo kind="m">late <b>bold</b></Memo><Note>n</Note><Tail>4</Tail>'
        "<Lead>first</Lead></Line>"
    )
    # Once in DTD order, reading and writing again changes nothing.
    assert write_xml(read_xml(Line, written)) == written


def test_unknown_element_survives_a_whole_document_round_trip_at_its_dtd_place() -> None:
    # ItemDetail's content model puts ItemDetailIndustry after LeadTime, before Extrinsic.
    poom = (
        b'<cXML payloadID="1@x" timestamp="2024-01-01T00:00:00Z" version="1.2.063">'
        b"<Message><PunchOutOrderMessage><BuyerCookie>c</BuyerCookie>"
        b'<PunchOutOrderMessageHeader operationAllowed="edit">'
        b'<Total><Money currency="USD">1</Money></Total></PunchOutOrderMessageHeader>'
        b'<ItemIn quantity="1" itemType="item"><ItemID><SupplierPartID>S</SupplierPartID></ItemID>'
        b'<ItemDetail><UnitPrice><Money currency="USD">1</Money></UnitPrice>'
        b'<Description xml:lang="en">d</Description><UnitOfMeasure>EA</UnitOfMeasure>'
        b'<Extrinsic name="e">v</Extrinsic>'
        b'<ItemDetailIndustry isConfigurableMaterial="yes"/>'
        b"<LeadTime>2</LeadTime></ItemDetail></ItemIn>"
        b"</PunchOutOrderMessage></Message></cXML>"
    )
    document = parse(poom)
    again = serialize(document)
    assert parse(again) == document
    detail = again[again.index(b"<ItemDetail>") : again.index(b"</ItemDetail>")]
    assert detail.index(b"<LeadTime>") < detail.index(b"<ItemDetailIndustry")
    assert detail.index(b"<ItemDetailIndustry") < detail.index(b"<Extrinsic")
    assert b'<ItemIn quantity="1" itemType="item">' in again


def test_the_element_budget_counts_model_elements() -> None:
    xml = "<Order>" + "<Note/>" * 9 + "</Order>"  # 10 model elements
    assert len(read_xml(Order, xml, limits=Limits(max_elements=10)).notes) == 9  # type: ignore[attr-defined]
    with pytest.raises(PayloadTooLarge, match="more elements than the configured limit") as caught:
        read_xml(Order, xml, limits=Limits(max_elements=9))
    assert caught.value.code == 413


def test_the_element_budget_is_enforced_by_parse() -> None:
    data = (
        b'<cXML payloadID="1@x" timestamp="2024-01-01T00:00:00Z"><Message>'
        b"<PunchOutOrderMessage><BuyerCookie/>"
        b'<PunchOutOrderMessageHeader operationAllowed="edit">'
        b'<Total><Money currency="USD">1</Money></Total></PunchOutOrderMessageHeader>'
        b"</PunchOutOrderMessage></Message></cXML>"
    )
    assert parse(data, limits=Limits(max_elements=7)).body is not None
    with pytest.raises(PayloadTooLarge):
        parse(data, limits=Limits(max_elements=6))


@pytest.mark.parametrize("cls", [Ref, Note])  # with modelled attributes, and without
def test_the_attribute_cap_is_checked_before_reading_them(cls: type[Element]) -> None:
    tag = cls.__plan__.tag
    attrs = " ".join(f'a{i}="{i}"' for i in range(4))
    model = read_xml(cls, f'<{tag} id="1" {attrs}/>', limits=Limits(max_attributes=5))
    assert len(model.extra_attrs) == (4 if cls is Ref else 5)
    with pytest.raises(PayloadTooLarge, match=f"^{tag} has 5 attributes; the limit is 4$"):
        read_xml(cls, f'<{tag} id="1" {attrs}/>', limits=Limits(max_attributes=4))


def test_text_of_a_text_child_and_mixed_own_text() -> None:
    line = read_xml(
        Line,
        "<Line><Code>A<b>-</b>1</Code><Price currency='E'>1</Price><Note>x<i>y</i>z</Note></Line>",
    )
    assert line.code == "A-1"  # a text-only child: all its character data
    assert line.remark == Note(value="xz", extras=(Raw("i", "<i>y</i>"),))  # own text only


def test_text_and_attribute_escaping_round_trips() -> None:
    nasty = "a & b < c > d \" e ' f \r g \n h \t i"
    line = Line(
        code=nasty,
        price=Price(amount=Decimal("1"), currency=nasty),
        remark=Note(value=nasty),
    )
    written = write_xml(line)
    assert 'currency="a &amp; b &lt; c &gt; d &quot; e \' f &#13; g &#10; h &#9; i"' in written
    assert "<Code>a &amp; b &lt; c &gt; d \" e ' f &#13; g \n h \t i</Code>" in written
    assert read_xml(Line, written) == line


@pytest.mark.parametrize("bad", ["\x00", "\x08", "\x0b", "\x1f", "\ufffe", "\uffff", "\ud800"])
def test_characters_xml_cannot_carry_are_refused_when_writing(bad: str) -> None:
    with pytest.raises(SerializationError, match=f"U\\+{ord(bad):04X}") as caught:
        write_xml(Note(value=f"a{bad}b"))
    assert caught.value.code == 500
    with pytest.raises(SerializationError):
        write_xml(Ref(id=f"a{bad}b"))


def test_readers_are_compiled_once_per_class() -> None:
    read_xml(Ref, "<Ref id='1'/>")
    reader = Ref.__plan__.reader
    read_xml(Ref, "<Ref id='2'/>")
    assert Ref.__plan__.reader is reader
    assert reader.__doc__ is not None
    assert reader.__doc__.startswith("def read_Ref(el, ctx):")


def test_a_model_with_post_init_is_refused_at_definition() -> None:
    with pytest.raises(TypeError, match="no __post_init__"):

        @element("Checked")
        @dataclass(frozen=True, slots=True, kw_only=True)
        class Checked(Element):
            value: str = content()

            def __post_init__(self) -> None:  # pragma: no cover - never called
                pass
