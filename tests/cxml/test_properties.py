"""Properties of every generated document: DTD-valid as written, and read back unchanged.

``strategies`` derives documents from the models' binding plans; these tests hold for
every payload the envelope models, so a new payload is covered when it is added to
``REQUESTS``/``RESPONSES``/``MESSAGES``. The last tests check the strategy tables against
the DTDs themselves, so a constrained field added without an entry fails here, by name.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Iterator
from functools import cache
from pathlib import Path
from types import SimpleNamespace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree

from punchin.cxml import parse, serialize
from punchin.cxml.binding import XML_LANG, Element, Kind
from punchin.cxml.document import DEFAULT_VERSION, dtd_file
from punchin.cxml.envelope import Document
from punchin.cxml.validate import choose_dtd, validate
from tests.cxml.strategies import (
    COMPLETIONS,
    EXCLUSIVE,
    FIELDS,
    MIN_OCCURS,
    PAYLOADS,
    TOGETHER,
    VALUES,
    documents,
    xml_text,
)

# 25 documents per payload keep this file near 15 s. Deadlines are off: a document's
# cost grows with the lines drawn (and the first DTD load), max_examples bounds the total.
EXAMPLES = settings(max_examples=25, deadline=None)


@pytest.mark.parametrize("payload", PAYLOADS, ids=lambda p: p.__name__)
@EXAMPLES
@given(data=st.data())
def test_generated_documents_validate_and_round_trip(
    payload: type[Element], dtd_dir: Path, data: st.DataObject
) -> None:
    document = data.draw(documents(payload), label="document")
    wire = serialize(document)

    assert validate(wire, dtd_dir) == [], wire.decode()
    assert parse(wire) == document
    assert serialize(parse(wire)) == wire


def test_a_document_without_version_reads_back_with_its_doctype_version() -> None:
    """``version`` left None is written under the default DOCTYPE, and the attribute's
    DTD default is that DTD's version: it reads back set. (Why strategies always set it.)"""
    unversioned = parse(
        b'<cXML payloadID="1@x" timestamp="2024-01-01T00:00:00+00:00">'
        b'<Response><Status code="200" text="OK"/></Response></cXML>'
    )
    assert unversioned.version is None

    again = parse(serialize(unversioned))

    assert again == dataclasses.replace(unversioned, version=DEFAULT_VERSION)


# --- unknown content -----------------------------------------------------------------

NAMESPACE = "urn:example:vendor"


@st.composite
def injected(draw: st.DrawFn) -> tuple[bytes, list[tuple[str, str]]]:
    """A valid document with unknown elements and attributes added at random places.

    Returns the bytes and, per injection, (tag of the element it went into, marker).
    Only elements that are models take injections: text-only children (``City``) hold
    character data and nothing else in every cXML version.
    """
    payload = draw(st.sampled_from(PAYLOADS))
    document = draw(documents(payload), label=payload.__name__)
    root = etree.fromstring(serialize(document))
    targets = list(_model_elements(root, Document))
    placed: list[tuple[str, str]] = []
    for n in range(draw(st.integers(min_value=1, max_value=4))):
        target = draw(st.sampled_from(targets))
        marker = f"Unknown{n}"
        if draw(st.booleans()):
            name = draw(st.sampled_from((marker, f"{{{NAMESPACE}}}{marker}")))
            target.set(name, draw(xml_text))
        else:
            tag = draw(st.sampled_from((marker, f"{{{NAMESPACE}}}{marker}")))
            unknown = etree.Element(tag, {"kind": "vendor"})
            unknown.text = draw(xml_text)
            etree.SubElement(unknown, "Inner").text = draw(xml_text)
            target.insert(draw(st.integers(min_value=0, max_value=len(target))), unknown)
        placed.append((target.tag, marker))
    return etree.tostring(root, encoding="UTF-8", xml_declaration=True), placed


def _model_elements(el: etree._Element, cls: type[Element]) -> Iterator[etree._Element]:
    yield el
    for child in el:
        entry = cls.__plan__.children.get(child.tag)
        if entry is not None and entry[1] is not None:
            yield from _model_elements(child, entry[1])


@EXAMPLES
@given(injected())
def test_unknown_elements_and_attributes_survive_a_round_trip(
    case: tuple[bytes, list[tuple[str, str]]],
) -> None:
    wire, placed = case
    document = parse(wire)
    written = serialize(document)

    assert parse(written) == document
    original, again = etree.fromstring(wire), etree.fromstring(written)
    for parent_tag, marker in placed:
        assert _unknowns(again, marker) == _unknowns(original, marker) != []
        assert all(parent_tag == found[0] for found in _unknowns(again, marker))


def _unknowns(root: etree._Element, marker: str) -> list[tuple[str, str]]:
    """(parent tag, canonical XML) of each element, or (tag, value) of each attribute,
    named ``marker`` in any namespace."""
    found = []
    for el in root.iter():
        for key, value in el.attrib.items():
            if etree.QName(key).localname == marker:
                found.append((el.tag, value))
        if isinstance(el.tag, str) and etree.QName(el).localname == marker:
            parent = el.getparent()
            assert parent is not None
            # Exclusive c14n: namespaces the fragment inherits but does not use (their
            # prefixes are the writer's choice) are not part of what must survive.
            found.append((parent.tag, etree.tostring(el, method="c14n", exclusive=True)))
    return sorted(found)


# --- the strategy tables against the DTDs ------------------------------------------------

CONSTRAINED = ("enumeration", "id", "idref", "idrefs", "nmtoken", "nmtokens", "entity")


def test_every_table_entry_names_a_bound_field() -> None:
    """A renamed or removed field leaves no stale entry behind."""
    entries = [*VALUES, *MIN_OCCURS, *FIELDS]
    for table in (EXCLUSIVE, TOGETHER):
        entries += [(cls, name) for cls, groups in table.items() for g in groups for name in g]
    stale = [
        (cls.__name__, name)
        for cls, name in entries
        if name not in {b.field for b in cls.__plan__.fields}
    ]

    assert stale == []


@pytest.mark.parametrize("payload", PAYLOADS, ids=lambda p: p.__name__)
def test_strategy_tables_cover_what_the_dtd_constrains(
    payload: type[Element], dtd_dir: Path
) -> None:
    """Every model under ``payload`` (and the envelope) is checked against the newest
    DTD that declares it: constrained attributes need a VALUES entry, DTD-required
    children the model leaves optional a MIN_OCCURS entry, and fields that are
    alternatives of one choice an EXCLUSIVE or FIELDS entry."""
    assert _missing_entries(payload, dtd_dir) == []


def _missing_entries(payload: type[Element], dtd_dir: Path) -> list[str]:
    file = _dtd_file(payload)
    dtd = _dtd(dtd_dir, file)
    # Unprefixed: the DTDs also declare ``xades:Description`` and the like.
    elements = {e.name: e for e in dtd.iterelements() if e.prefix is None}
    missing: list[str] = []
    for cls in _reachable(payload) | _reachable(Document, stop=set(PAYLOADS)):
        decl = elements.get(cls.__plan__.tag)
        if decl is None:
            missing.append(f"{cls.__name__}: <{cls.__plan__.tag}> is not in {file}")
            continue
        missing.extend(_uncovered(cls, decl, set(elements) - _tags(set(PAYLOADS) - {payload})))
    return missing


def _dtd_file(payload: type[Element]) -> str:
    """The file ``serialize`` declares for ``payload`` (asked of the library, which only
    looks at the payload's class)."""
    carrier = SimpleNamespace(body=SimpleNamespace(payload=payload.__new__(payload)))
    return dtd_file(carrier)  # type: ignore[arg-type]


@cache
def _dtd(dtd_dir: Path, file: str) -> etree.DTD:
    path = choose_dtd(dtd_dir, DEFAULT_VERSION, file)
    assert path is not None, f"no {file} under {dtd_dir}"
    return etree.DTD(str(path))


def _reachable(cls: type[Element], stop: set[type[Element]] | None = None) -> set[type[Element]]:
    seen: set[type[Element]] = set()
    todo = [cls]
    while todo:
        current = todo.pop()
        if current in seen or (stop and current in stop):
            continue
        seen.add(current)
        todo.extend(c for b in current.__plan__.fields for c in b.classes)
    return seen


def _uncovered(
    cls: type[Element], decl: etree._DTDElementDecl, declared: set[str]
) -> Iterator[str]:
    attributes = {_attr_name(a): a for a in decl.iterattributes()}
    where = f"{cls.__name__} <{cls.__plan__.tag}>"
    optional = {f.name for f in dataclasses.fields(cls) if f.default is None}
    modelled = set(cls.__plan__.children) & declared
    for b in cls.__plan__.fields:
        key = (cls, b.field)
        if b.kind is Kind.ATTR:
            a = attributes.get(b.name)
            if a is None:
                yield f"{where}: attribute {b.name} is not declared"
            elif (a.type in CONSTRAINED or a.values()) and key not in VALUES:
                yield f"{where}: attribute {b.name} is {a.type} {a.values()}: add VALUES{key}"
            elif a.default == "required" and b.field in optional and key not in MIN_OCCURS:
                yield f"{where}: attribute {b.name} is #REQUIRED: add MIN_OCCURS{key}"
            continue
        if b.kind is Kind.CONTENT:
            continue
        # A choice may name payloads another DTD file declares (Fulfill.dtd's requests).
        tags = {b.name} if b.kind in (Kind.TEXT, Kind.TEXTS) else _tags(b.classes) & declared
        if not tags <= _names(decl.content):
            yield f"{where}: {sorted(tags)} not in its content model"
            continue
        repeated = b.kind in (Kind.MANY, Kind.TEXTS)
        required = _least(decl.content, tags, modelled) and (repeated or b.field in optional)
        if required and key not in MIN_OCCURS and key not in FIELDS:
            yield f"{where}: {sorted(tags)} is required by the DTD: add MIN_OCCURS{key}"
        if repeated and _split_by_choice(decl.content, tags) and key not in FIELDS:
            yield f"{where}: {sorted(tags)} are alternatives that must not mix: add FIELDS{key}"
    yield from _unguarded_choices(cls, decl, where)
    yield from _unpaired_sequences(cls, decl, where, modelled)


def _attr_name(a: etree._DTDAttributeDecl) -> str:
    return XML_LANG if (a.prefix, a.name) == ("xml", "lang") else a.name


def _tags(classes: Iterable[type[Element]]) -> set[str]:
    return {c.__plan__.tag for c in classes}


def _names(content: etree._DTDElementContentDecl | None) -> set[str]:
    if content is None:
        return set()
    if content.type == "element":
        return {content.name}
    return _names(content.left) | _names(content.right)


def _least(content: etree._DTDElementContentDecl | None, tags: set[str], modelled: set[str]) -> int:
    """How many of ``tags`` the content model requires at the least, counting only the
    alternatives of a choice that the model can fill (``modelled``): a branch it does not
    model can only come back from ``extras``, never from the generator."""
    if content is None or content.occur in ("opt", "mult"):
        return 0
    if content.type == "element":
        return int(content.name in tags)
    if content.type == "or":
        branches = _alternatives(content)
        reachable = [b for b in branches if _names(b) & modelled] or branches
        return min(_least(b, tags, modelled) for b in reachable)
    if content.type == "seq":
        return _least(content.left, tags, modelled) + _least(content.right, tags, modelled)
    return 0  # pcdata


def _alternatives(group: etree._DTDElementContentDecl) -> list[etree._DTDElementContentDecl]:
    """The alternatives of an ``or`` group, whatever its own occurrence (lxml nests
    ``(A | B | C)`` as ``A | (B | C)``)."""
    found = []
    for side in (group.left, group.right):
        if side is None:
            continue
        if side.type == "or" and side.occur == "once":
            found.extend(_alternatives(side))
        else:
            found.append(side)
    return found


def _choices(content: etree._DTDElementContentDecl | None) -> Iterator[list[set[str]]]:
    """The name sets of each alternative, for every choice group in the content model."""
    if content is None or content.type in ("element", "pcdata"):
        return
    if content.type == "or":
        alternatives = _alternatives(content)
        yield [_names(alternative) for alternative in alternatives]
        for alternative in alternatives:
            yield from _choices(alternative)
        return
    yield from _choices(content.left)
    yield from _choices(content.right)


def _split_by_choice(content: etree._DTDElementContentDecl | None, tags: set[str]) -> bool:
    return any(sum(bool(tags & alt) for alt in alts) > 1 for alts in _choices(content))


def _child_fields(cls: type[Element]) -> dict[str, set[str]]:
    """Each child field's name and the tags it writes."""
    return {
        b.field: {b.name} if b.kind in (Kind.TEXT, Kind.TEXTS) else _tags(b.classes)
        for b in cls.__plan__.fields
        if b.kind not in (Kind.ATTR, Kind.CONTENT)
    }


def _unguarded_choices(
    cls: type[Element], decl: etree._DTDElementDecl, where: str
) -> Iterator[str]:
    """Fields that fill different alternatives of one choice need EXCLUSIVE (a field in
    every alternative, like InvoiceDetailOrderInfo's SupplierOrderInfo, is no rival)."""
    fields = _child_fields(cls)
    guarded = {name for alternative in EXCLUSIVE.get(cls, ()) for name in alternative}
    if decl.type == "mixed" or cls in COMPLETIONS:
        return
    for alternatives in _choices(decl.content):
        rivals = sorted(
            name
            for name, tags in fields.items()
            if 0 < sum(bool(tags & alt) for alt in alternatives) < len(alternatives)
        )
        if len(rivals) > 1 and not set(rivals) <= guarded:
            yield f"{where}: fields {rivals} are alternatives of one choice: add EXCLUSIVE"


def _unpaired_sequences(
    cls: type[Element], decl: etree._DTDElementDecl, where: str, modelled: set[str]
) -> Iterator[str]:
    """Fields that an optional sequence requires together, like InvoiceDetailItemReference's
    ``(ManufacturerPartID, ManufacturerName)?``, need TOGETHER."""
    fields = _child_fields(cls)
    paired = {name for group in TOGETHER.get(cls, ()) for name in group}
    for group in _optional_sequences(decl.content):
        inside = [
            name
            for name, tags in fields.items()
            if _least(group.left, tags, modelled) + _least(group.right, tags, modelled)
        ]
        if len(inside) > 1 and not set(inside) <= paired:
            yield f"{where}: fields {sorted(inside)} appear together or not at all: add TOGETHER"


def _optional_sequences(
    content: etree._DTDElementContentDecl | None,
) -> Iterator[etree._DTDElementContentDecl]:
    if content is None or content.type in ("element", "pcdata"):
        return
    if content.type == "seq" and content.occur in ("opt", "mult"):
        yield content
    yield from _optional_sequences(content.left)
    yield from _optional_sequences(content.right)
