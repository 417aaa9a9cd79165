"""Every real document we hold parses, round-trips, and stays as valid as it came.

The files live beside the repository (``../shared/cxml/examples`` and
``punchin-samples``, each folder saying where its files come from). ``*.as-published.xml`` is a
document exactly as a partner published it, imperfect: it is read only in lenient mode.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from lxml import etree

from punchin.cxml import parse, read, serialize
from punchin.cxml.binding import XML_LANG
from punchin.cxml.errors import BadRequest
from punchin.cxml.validate import choose_dtd, validate

SHARED = Path(__file__).resolve().parents[3] / "shared" / "cxml"
EXAMPLES = sorted((SHARED / "examples").glob("*.xml")) + sorted(
    (SHARED / "punchin-samples").glob("*.xml")
)
AS_PUBLISHED = ".as-published."

examples = pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: f"{p.parent.name}/{p.name}")


def _is_as_published(path: Path) -> bool:
    return AS_PUBLISHED in path.name


def test_the_corpus_is_there() -> None:
    assert len(EXAMPLES) >= 12
    assert any(_is_as_published(p) for p in EXAMPLES)


@examples
def test_example_parses_and_round_trips(path: Path) -> None:
    data = path.read_bytes()
    parsed = read(data, lenient=_is_as_published(path))
    wire = serialize(parsed.document)

    assert parse(wire) == parsed.document
    assert serialize(parse(wire)) == wire
    if _is_as_published(path):
        assert parsed.repairs != ()
        with pytest.raises(BadRequest) as refused:
            read(data)
        assert refused.value.code == 400
    else:
        assert parsed.repairs == ()


@examples
def test_a_valid_example_is_still_valid_after_the_round_trip(path: Path, dtd_dir: Path) -> None:
    data = path.read_bytes()
    lenient = _is_as_published(path)
    if not lenient:
        assert validate(data, dtd_dir) == [], "the corpus holds only DTD-valid documents"
    wire = serialize(parse(data, lenient=lenient))

    assert validate(wire, dtd_dir) == []


@examples
def test_no_element_or_attribute_of_an_example_is_lost_or_moved(path: Path, dtd_dir: Path) -> None:
    """The output has the input's elements in the input's order (the corpus is in DTD
    order) and each its attributes. Values are the models' business: typed ones are
    rewritten in canonical form (``Z`` as ``+00:00``), and the round trip checks them.
    An attribute at its DTD default (``version``, ``operation="new"``) may be spelt out."""
    parsed = read(path.read_bytes(), lenient=_is_as_published(path))
    assert parsed.doctype is not None
    dtd = choose_dtd(dtd_dir, parsed.doctype.version, parsed.doctype.dtd_file)
    assert dtd is not None
    # The DTD defaults ``version`` to ``&cxml.version;``: the version its DOCTYPE names.
    defaults = _defaults(etree.DTD(str(dtd))) | {("cXML", "version"): parsed.doctype.version}
    wire = serialize(parsed.document)

    assert _shape(etree.fromstring(wire), defaults) == _shape(_tree(path), defaults)


def _defaults(dtd: etree.DTD) -> dict[tuple[str, str], str]:
    return {
        (element.name, attribute.name): attribute.default_value
        for element in dtd.iterelements()
        for attribute in element.iterattributes()
        if attribute.default_value is not None and attribute.prefix is None
    }


def _tree(path: Path) -> etree._Element:
    """The file as XML, raw '&' escaped (text is not compared)."""
    parser = etree.XMLParser(remove_comments=True, resolve_entities=False, no_network=True)
    return etree.fromstring(path.read_bytes().replace(b"&", b"&amp;"), parser)


def _shape(el: etree._Element, defaults: dict[tuple[str, str], str]) -> tuple[object, ...]:
    names = sorted(k for k, v in el.attrib.items() if defaults.get((el.tag, k)) != v)
    return (el.tag, names, [_shape(child, defaults) for child in el])


def _find(wire: bytes, xpath: str) -> list[etree._Element]:
    found = etree.fromstring(wire).xpath(xpath)
    assert isinstance(found, list)
    return [el for el in found if isinstance(el, etree._Element)]


def test_unknown_item_detail_industry_and_item_in_attributes_are_kept(dtd_dir: Path) -> None:
    data = (SHARED / "examples" / "punchout_order_message_3_items.xml").read_bytes()
    wire = serialize(parse(data))

    industry = _find(wire, "//ItemIn[1]/ItemDetail/ItemDetailIndustry")
    assert len(industry) == 1
    assert industry[0].get("isConfigurableMaterial") == "yes"
    # Its DTD place: after LeadTime, before the Extrinsics.
    assert industry[0].getprevious() is not None
    assert industry[0].getprevious().tag == "LeadTime"
    item = _find(wire, "//ItemIn[1]")[0]
    assert {
        k: item.get(k) for k in ("openQuantity", "promisedQuantity", "parentLineNumber", "itemType")
    } == {"openQuantity": "2", "promisedQuantity": "3", "parentLineNumber": "0", "itemType": "item"}
    assert validate(wire, dtd_dir) == []


EXTRINSICS = b"""<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE cXML SYSTEM "http://xml.cxml.org/schemas/cXML/1.2.063/cXML.dtd">
<cXML payloadID="1@example.com" timestamp="2024-05-01T09:00:00+02:00" version="1.2.063">
<Header>
<From><Credential domain="NetworkID"><Identity>buyer</Identity></Credential></From>
<To><Credential domain="NetworkID"><Identity>supplier</Identity></Credential></To>
<Sender><Credential domain="NetworkID"><Identity>buyer</Identity>
<SharedSecret>s</SharedSecret></Credential><UserAgent>test</UserAgent></Sender>
</Header>
<Request><PunchOutSetupRequest operation="create"><BuyerCookie>c</BuyerCookie>
<Extrinsic name="UserEmail">zoe@example.com</Extrinsic>
<Extrinsic name="CostCenter">42</Extrinsic>
<Extrinsic name="UserEmail">second@example.com</Extrinsic>
<Extrinsic name="Note"><Description xml:lang="en">rush</Description></Extrinsic>
<BrowserFormPost><URL>https://buyer.example.com/poom</URL></BrowserFormPost>
</PunchOutSetupRequest></Request></cXML>
"""


def test_extrinsic_order_and_content_are_preserved(dtd_dir: Path) -> None:
    """Extrinsic is ANY content and repeats by name: the order and duplicates carry
    meaning for the partner, so neither is normalised away."""
    document = parse(EXTRINSICS)
    wire = serialize(document)
    names = [(el.get("name"), "".join(el.itertext())) for el in _find(wire, "//Extrinsic")]

    assert names == [
        ("UserEmail", "zoe@example.com"),
        ("CostCenter", "42"),
        ("UserEmail", "second@example.com"),
        ("Note", "rush"),
    ]
    assert _find(wire, "//Extrinsic[4]/Description")[0].get(XML_LANG) == "en"
    assert parse(wire) == document
    assert validate(wire, dtd_dir) == []
