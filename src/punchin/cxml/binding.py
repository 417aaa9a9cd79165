"""Declarative binding between frozen dataclasses and cXML elements.

A model class declares, per field, where the value lives (an attribute, a child
element's text, a child model, repeated or not, the element's own text) and, per
class, the child order of the newest DTD content model. From that one declaration
the module compiles a read plan (a dict from tag to field, one pass over the
children, no per-field ``find()``) and a write plan (children in DTD order).

What a model does not know is kept: unknown attributes in ``extra_attrs`` and
unknown child elements, verbatim, in ``extras``; both are written back, unknown
elements at their place in the content model when the order list names them.
"""

from __future__ import annotations

import dataclasses
import enum
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar, TypeVar

from lxml import etree

from punchin.cxml.errors import BadRequest, PayloadTooLarge, SerializationError
from punchin.cxml.safety import Limits, Repair

_XML_NS = "http://www.w3.org/XML/1998/namespace"
XML_LANG = "{" + _XML_NS + "}lang"


@dataclass(frozen=True, slots=True)
class Raw:
    """An element the models do not know, kept as its exact XML text."""

    tag: str
    xml: str

    @classmethod
    def of(cls, element: etree._Element) -> Raw:
        tag = element.tag if isinstance(element.tag, str) else ""
        return cls(tag, etree.tostring(element, encoding="unicode", with_tail=False))


@dataclass(frozen=True, slots=True, kw_only=True)
class Element:
    """Base of every model: what the models did not understand rides along."""

    extra_attrs: tuple[tuple[str, str], ...] = ()
    extras: tuple[Raw, ...] = ()

    __plan__: ClassVar[Plan]


class ReadContext:
    """Per-parse state: strict or lenient, the repairs made, the element budget."""

    __slots__ = ("elements_left", "lenient", "repairs")

    def __init__(self, limits: Limits, repairs: list[Repair] | None) -> None:
        self.lenient = repairs is not None
        self.repairs = repairs
        self.elements_left = limits.max_elements

    def repair(self, what: str, line: int | None) -> None:
        assert self.repairs is not None
        self.repairs.append(Repair(what, line))


# A value codec: read text into a value (with the context for lenient repairs and
# the element for error lines), write a value back to text.
Loader = Callable[[str, ReadContext, "etree._Element"], Any]
Dumper = Callable[[Any], str]


@dataclass(frozen=True, slots=True)
class Codec:
    load: Loader
    dump: Dumper


def _load_str(text: str, ctx: ReadContext, el: etree._Element) -> str:
    return text


STR = Codec(_load_str, str)


class Kind(enum.Enum):
    ATTR = "attribute"
    TEXT = "child text"
    TEXTS = "repeated child text"
    ONE = "child element"
    MANY = "repeated child element"
    CONTENT = "own text"


@dataclass(frozen=True, slots=True)
class Binding:
    kind: Kind
    name: str = ""  # XML name: attribute, or child tag for TEXT / TEXTS
    codec: Codec = STR
    classes: tuple[type[Element], ...] = ()
    field: str = ""  # filled in by the compiler


_MISSING: Any = dataclasses.MISSING


def _field(binding: Binding, default: Any, factory: Any = _MISSING) -> Any:
    if factory is not _MISSING:
        return dataclasses.field(default_factory=factory, metadata={"xml": binding})
    return dataclasses.field(default=default, metadata={"xml": binding})


def _xml_name(name: str) -> str:
    return XML_LANG if name == "xml:lang" else name


def attr(name: str, codec: Codec = STR, *, default: Any = _MISSING) -> Any:
    """An attribute of this element."""
    return _field(Binding(Kind.ATTR, _xml_name(name), codec), default)


def text(tag: str, codec: Codec = STR, *, default: Any = _MISSING) -> Any:
    """The whole text of a child element that holds only text (``UnitOfMeasure``)."""
    return _field(Binding(Kind.TEXT, tag, codec), default)


def texts(tag: str, codec: Codec = STR) -> Any:
    """The texts of a repeated text-only child (``Street+``), as a tuple."""
    return _field(Binding(Kind.TEXTS, tag, codec), ())


def one(*classes: type[Element], default: Any = _MISSING) -> Any:
    """A child model; several classes make a choice (``Request``'s payload)."""
    return _field(Binding(Kind.ONE, classes=classes), default)


def many(*classes: type[Element]) -> Any:
    """A repeated child model, as a tuple."""
    return _field(Binding(Kind.MANY, classes=classes), ())


def content(codec: Codec = STR, *, default: Any = _MISSING) -> Any:
    """The element's own character data (``Money``'s amount, ``Extrinsic``'s value)."""
    return _field(Binding(Kind.CONTENT, codec=codec), default)


@dataclass(slots=True)
class Plan:
    tag: str
    order: tuple[str, ...]
    attrs: dict[str, Binding]
    children: dict[str, tuple[Binding, type[Element] | None]]
    content: Binding | None
    required: frozenset[str]
    fields: tuple[Binding, ...]
    # Fields whose values must become tuples after reading.
    sequences: tuple[str, ...]


E = TypeVar("E", bound=type[Element])
E_co = TypeVar("E_co", bound=Element)


def element(tag: str, order: Sequence[str] = ()) -> Callable[[E], E]:
    """Bind a model class to its cXML tag; ``order`` is the DTD child order."""

    def compile_plan(cls: E) -> E:
        attrs: dict[str, Binding] = {}
        children: dict[str, tuple[Binding, type[Element] | None]] = {}
        own_text: Binding | None = None
        required: set[str] = set()
        bound: list[Binding] = []
        for f in dataclasses.fields(cls):
            b = f.metadata.get("xml")
            if b is None:
                continue
            b = dataclasses.replace(b, field=f.name)
            bound.append(b)
            if f.default is _MISSING and f.default_factory is _MISSING:
                required.add(f.name)
            if b.kind is Kind.ATTR:
                attrs[b.name] = b
            elif b.kind in (Kind.TEXT, Kind.TEXTS):
                children[b.name] = (b, None)
            elif b.kind is Kind.CONTENT:
                own_text = b
            else:
                for child_cls in b.classes:
                    children[child_cls.__plan__.tag] = (b, child_cls)
        names = list(order)
        for child_tag in children:
            if child_tag not in names:
                names.append(child_tag)
        cls.__plan__ = Plan(
            tag=tag,
            order=tuple(names),
            attrs=attrs,
            children=children,
            content=own_text,
            required=frozenset(required),
            fields=tuple(bound),
            sequences=tuple(b.field for b in bound if b.kind in (Kind.TEXTS, Kind.MANY)),
        )
        return cls

    return compile_plan


def element_text(el: etree._Element) -> str:
    """All character data of a text-only element (comments were dropped at parse)."""
    if len(el):
        return "".join(el.itertext())
    return el.text or ""


def own_text(el: etree._Element) -> str:
    """The character data directly inside ``el``, children's text excluded."""
    parts = [el.text or ""]
    parts.extend(child.tail or "" for child in el)
    return "".join(parts)


def _path(el: etree._Element) -> str:
    tags = []
    node: etree._Element | None = el
    while node is not None:
        tags.append(str(node.tag))
        node = node.getparent()
    return "/".join(reversed(tags))


def read(cls: type[E_co], el: etree._Element, ctx: ReadContext) -> E_co:
    """Build ``cls`` from ``el`` in one pass over its attributes and children."""
    ctx.elements_left -= 1
    if ctx.elements_left < 0:
        raise PayloadTooLarge("document has more elements than the configured limit")
    plan = cls.__plan__
    values: dict[str, Any] = {}
    extra_attrs: list[tuple[str, str]] = []
    for key, value in el.attrib.items():
        b = plan.attrs.get(key)
        if b is None:
            extra_attrs.append((key, value))
        else:
            values[b.field] = b.codec.load(value, ctx, el)
    extras: list[Raw] = []
    children = plan.children
    for child in el:
        entry = children.get(child.tag)  # type: ignore[arg-type]
        if entry is None:
            extras.append(Raw.of(child))
            continue
        b, child_cls = entry
        kind = b.kind
        if kind is Kind.ONE:
            if b.field in values:
                raise BadRequest(f"{_path(child)} appears twice", line=child.sourceline)
            values[b.field] = read(child_cls, child, ctx)  # type: ignore[arg-type]
        elif kind is Kind.MANY:
            values.setdefault(b.field, []).append(read(child_cls, child, ctx))  # type: ignore[arg-type]
        elif kind is Kind.TEXT:
            if b.field in values:
                raise BadRequest(f"{_path(child)} appears twice", line=child.sourceline)
            values[b.field] = b.codec.load(element_text(child), ctx, child)
        else:
            values.setdefault(b.field, []).append(b.codec.load(element_text(child), ctx, child))
    if plan.content is not None:
        c = plan.content
        values[c.field] = c.codec.load(own_text(el) if len(el) else (el.text or ""), ctx, el)
    for name in plan.sequences:
        if name in values:
            values[name] = tuple(values[name])
    if len(values) < len(plan.required) or not plan.required.issubset(values):
        missing = sorted(_describe(plan, n) for n in plan.required - values.keys())
        raise BadRequest(f"{_path(el)} lacks required {', '.join(missing)}", line=el.sourceline)
    if extra_attrs:
        values["extra_attrs"] = tuple(extra_attrs)
    if extras:
        values["extras"] = tuple(extras)
    return cls(**values)


def _describe(plan: Plan, field_name: str) -> str:
    for b in plan.fields:
        if b.field == field_name:
            if b.kind is Kind.ATTR:
                return f"attribute {b.name.replace(XML_LANG, 'xml:lang')}"
            if b.classes:
                return "element " + " or ".join(c.__plan__.tag for c in b.classes)
            if b.kind is Kind.CONTENT:
                return "text"
            return f"element {b.name}"
    return field_name


# --- writing ---------------------------------------------------------------------------

# Characters XML 1.0 cannot carry at all (not even as references).
_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_TEXT_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", "\r": "&#13;"})
_ATTR_ESCAPES = str.maketrans(
    {
        "&": "&amp;",
        "<": "&lt;",
        ">": "&gt;",
        '"': "&quot;",
        "\r": "&#13;",
        "\n": "&#10;",
        "\t": "&#9;",
    }
)


def _checked(value: str) -> str:
    bad = _ILLEGAL.search(value)
    if bad is not None:
        raise SerializationError(f"character U+{ord(bad.group()):04X} cannot appear in XML")
    return value


def escape_text(value: str) -> str:
    return _checked(value).translate(_TEXT_ESCAPES)


def escape_attr(value: str) -> str:
    return _checked(value).translate(_ATTR_ESCAPES)


def _qname(name: str) -> str:
    return "xml:lang" if name == XML_LANG else name


def _unknown_attr(n: int, key: str, value: str) -> str:
    """An unknown attribute as read. lxml keeps a namespaced one as ``{uri}name``, not
    its prefix: write it with a prefix ``nsN`` declared on the spot."""
    if key.startswith("{"):
        uri, local = key[1:].split("}", 1)
        if uri == _XML_NS:
            return f' xml:{local}="{escape_attr(value)}"'
        return f' xmlns:ns{n}="{escape_attr(uri)}" ns{n}:{local}="{escape_attr(value)}"'
    return f' {key}="{escape_attr(value)}"'


def write(model: Element, out: list[str]) -> None:
    """Append the XML of ``model`` to ``out``: attributes, own text, children in DTD order."""
    plan = model.__plan__
    out.append("<" + plan.tag)
    for b in plan.attrs.values():
        value = getattr(model, b.field)
        if value is not None:
            out.append(f' {_qname(b.name)}="{escape_attr(b.codec.dump(value))}"')
    for n, (key, value) in enumerate(model.extra_attrs):
        out.append(_unknown_attr(n, key, value))
    body_start = len(out)
    out.append(">")
    if plan.content is not None:
        value = getattr(model, plan.content.field)
        if value is not None:
            out.append(escape_text(plan.content.codec.dump(value)))
    extras = model.extras
    written: set[str] = set()
    for tag in plan.order:
        entry = plan.children.get(tag)
        if entry is not None and entry[0].field not in written:
            written.add(entry[0].field)
            _write_child(getattr(model, entry[0].field), entry[0], out)
        if extras:
            out.extend(raw.xml for raw in extras if raw.tag == tag)
    if extras:
        known = set(plan.order)
        out.extend(raw.xml for raw in extras if raw.tag not in known)
    if len(out) == body_start + 1:
        out[body_start] = "/>"
    else:
        out.append(f"</{plan.tag}>")


def _write_child(value: Any, b: Binding, out: list[str]) -> None:
    """Write one field; a choice (several classes) keeps its values' own order."""
    if value is None:
        return
    kind = b.kind
    tag = b.name
    if kind is Kind.TEXT:
        out.append(f"<{tag}>{escape_text(b.codec.dump(value))}</{tag}>")
    elif kind is Kind.TEXTS:
        out.extend(f"<{tag}>{escape_text(b.codec.dump(v))}</{tag}>" for v in value)
    elif kind is Kind.ONE:
        write(value, out)
    else:
        for item in value:
            write(item, out)
