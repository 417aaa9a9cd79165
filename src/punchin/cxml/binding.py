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

import copy
import dataclasses
import enum
import functools
import re
from collections.abc import Callable, Mapping, Sequence
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
        """Keep ``element`` with only the namespace declarations its subtree uses.

        ``tostring`` copies every declaration in scope into the fragment; written back
        under a parent that declares the same namespace, those copies would multiply
        on each round trip.
        """
        tag = element.tag if isinstance(element.tag, str) else ""
        if element.nsmap:
            element = copy.deepcopy(element)
            etree.cleanup_namespaces(element)
        return cls(tag, etree.tostring(element, encoding="unicode", with_tail=False))


@dataclass(frozen=True, slots=True, kw_only=True)
class Element:
    """Base of every model: what the models did not understand rides along."""

    extra_attrs: tuple[tuple[str, str], ...] = ()
    extras: tuple[Raw, ...] = ()

    __plan__: ClassVar[Plan]


class ReadContext:
    """Per-parse state: strict or lenient, the repairs made, the element budget."""

    __slots__ = (
        "elements_left",
        "lenient",
        "max_attributes",
        "max_namespaces",
        "raw_left",
        "repairs",
    )

    def __init__(self, limits: Limits, repairs: list[Repair] | None) -> None:
        self.lenient = repairs is not None
        self.repairs = repairs
        self.elements_left = limits.max_elements
        self.max_attributes = limits.max_attributes
        self.max_namespaces = limits.max_namespaces
        # Characters of unknown elements kept as Raw: lxml copies every namespace
        # declaration in scope into each one, so 5,000 declarations and 5,000 unknown
        # children (117 kB) would otherwise cost minutes and gigabytes (docs/security.md).
        self.raw_left = limits.max_bytes

    def repair(self, what: str, line: int | None) -> None:
        assert self.repairs is not None
        self.repairs.append(Repair(what, line))


# A value codec: read text into a value (with the context for lenient repairs, the
# element for error lines, and the attribute's name, None for an element's text, for
# error texts), write a value back to text.
Loader = Callable[[str, ReadContext, "etree._Element", str | None], Any]
Dumper = Callable[[Any], str]


@dataclass(frozen=True, slots=True)
class Codec:
    load: Loader
    dump: Dumper


def _load_str(text: str, ctx: ReadContext, el: etree._Element, name: str | None) -> str:
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
    # Filled in by ``element`` from the dataclass field:
    field: str = ""
    required: bool = True
    default: Any = None


_MISSING: Any = dataclasses.MISSING


def _field(binding: Binding, default: Any) -> Any:
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


Reader = Callable[["etree._Element", ReadContext], Any]


@dataclass(slots=True)
class Plan:
    cls: type[Element]
    tag: str
    order: tuple[str, ...]
    attrs: dict[str, Binding]
    children: dict[str, tuple[Binding, type[Element] | None]]
    content: Binding | None
    fields: tuple[Binding, ...]
    # Values read for required fields a partner left out (lenient mode records a Repair).
    absent: Mapping[str, Any] = dataclasses.field(default_factory=dict)
    # Until the first document needs it, ``reader`` compiles the real one (see ``_compile``).
    reader: Reader = dataclasses.field(init=False)

    def __post_init__(self) -> None:
        self.reader = functools.partial(_first_read, self)


E = TypeVar("E", bound=type[Element])
E_co = TypeVar("E_co", bound=Element)


def element(
    tag: str, order: Sequence[str] = (), absent: Mapping[str, Any] | None = None
) -> Callable[[E], E]:
    """Bind a model class to its cXML tag; ``order`` is the DTD child order.

    ``absent`` names required fields that are read with a value of the model's choosing
    when a partner leaves them out (a value, or a function of the fields read so far);
    written back, they are always present. Every other missing required part is refused.
    """

    def compile_plan(cls: E) -> E:
        if "__post_init__" in vars(cls):
            raise TypeError(f"{cls.__name__}: models are read without __init__ (no __post_init__)")
        attrs: dict[str, Binding] = {}
        children: dict[str, tuple[Binding, type[Element] | None]] = {}
        own_text: Binding | None = None
        bound: list[Binding] = []
        for f in dataclasses.fields(cls):
            b = f.metadata.get("xml")
            if b is None:
                continue
            required = f.default is _MISSING
            default = None if required else f.default
            b = dataclasses.replace(b, field=f.name, required=required, default=default)
            bound.append(b)
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
            cls=cls,
            tag=tag,
            order=tuple(names),
            attrs=attrs,
            children=children,
            content=own_text,
            fields=tuple(bound),
            absent=dict(absent or {}),
        )
        return cls

    return compile_plan


def element_text(el: etree._Element) -> str:
    """All character data of a text-only element (comments were dropped at parse)."""
    if len(el):
        return "".join(el.itertext())
    return el.text or ""


def own_text(el: etree._Element, children: list[etree._Element]) -> str:
    """The character data directly inside ``el`` (mixed content), children's text excluded."""
    parts = [el.text or ""]
    for child in children:  # a loop: half the cost of extend() with a generator
        parts.append(child.tail or "")
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
    model: E_co = cls.__plan__.reader(el, ctx)
    return model


# --- the compiled readers ----------------------------------------------------------------
#
# Reading is the hot path of every request (docs/performance.md: at most 3x the bare lxml
# parse), so each class gets a reader function generated from its plan on first use, as
# ``dataclasses`` generates ``__init__``: one pass over ``el.items()`` and the children
# with the tags as string constants, values in local variables, and the instance built
# as an instance of the class's unfrozen twin (``_unfrozen``), its slots set by plain
# assignment, then given its real class. The frozen ``__init__`` (keyword arguments,
# ``object.__setattr__`` per field) cost more than all the rest. docs/performance.md has
# the measurements. Loaders never return None, so None can mark "not seen yet" for
# optional fields whose default is None.

_UNSET: Any = type("Unset", (), {"__repr__": lambda self: "<unset>"})()


def _unfrozen(cls: type[Element]) -> type[Element]:
    """A subclass with the same slots whose attributes can be set: only the generic
    ``object`` setter *and* deleter give CPython's fast slot store (with the frozen
    ``__delattr__`` inherited, every assignment calls Python). The reader builds its
    instance as this class, then assigns ``__class__ = cls``: the layouts are the same."""
    namespace = {
        "__slots__": (),
        "__setattr__": object.__setattr__,
        "__delattr__": object.__delattr__,
        "__qualname__": f"{cls.__qualname__}.<unfrozen>",
    }
    return type(cls.__name__, (cls,), namespace)


def _first_read(plan: Plan, el: etree._Element, ctx: ReadContext) -> Any:
    plan.reader = _compile(plan)
    return plan.reader(el, ctx)


def _linking(env: dict[str, Any], name: str, plan: Plan) -> Reader:
    """A child's reader in its parent's globals until the first call, which puts the
    compiled one there: a global load is cheaper than ``plan.reader``, an attribute
    CPython 3.11 does not specialise."""

    def first(el: etree._Element, ctx: ReadContext) -> Any:
        model = plan.reader(el, ctx)
        env[name] = plan.reader
        return model

    return first


def _too_many() -> None:
    raise PayloadTooLarge("document has more elements than the configured limit")


def _twice(child: etree._Element) -> None:
    raise BadRequest(f"{_path(child)} appears twice", line=child.sourceline)


def _lacks(
    plan: Plan, el: etree._Element, ctx: ReadContext, values: dict[str, Any]
) -> tuple[Any, ...]:
    """Refuse an element without its required parts, unless the model says how to read
    them when absent (``element(absent=...)``); lenient mode records that as a repair."""
    absent = [name for name, value in values.items() if value is _UNSET]
    if all(name in plan.absent for name in absent):
        for name in absent:
            fill = plan.absent[name]
            values[name] = fill(values) if callable(fill) else fill
            if ctx.lenient:
                what = f"{_path(el)} lacks required {_describe(plan, name)}"
                ctx.repair(f"{what}: read as {values[name]!r}", el.sourceline)
        return tuple(values.values())
    missing = sorted(_describe(plan, name) for name in absent)
    raise BadRequest(f"{_path(el)} lacks required {', '.join(missing)}", line=el.sourceline)


def _raw(child: etree._Element, ctx: ReadContext) -> Raw:
    # lxml's tostring() takes time quadratic in the namespaces in scope (2,000: 10 ms
    # per element); counting them (nsmap) is linear.
    if len(child.nsmap) > ctx.max_namespaces:
        raise PayloadTooLarge(
            f"more than {ctx.max_namespaces} namespace declarations in scope",
            line=child.sourceline,
        )
    raw = Raw.of(child)
    ctx.raw_left -= len(raw.xml)
    if ctx.raw_left < 0:
        raise PayloadTooLarge("unknown elements serialise to more than the document size limit")
    return raw


def _too_many_attributes(el: etree._Element, ctx: ReadContext) -> None:
    raise PayloadTooLarge(
        f"{_path(el)} has {len(el.keys())} attributes; the limit is {ctx.max_attributes}",
        line=el.sourceline,
    )


def _collect(line: str, into: str) -> list[str]:
    """Append to a list that is created on first use (most elements have no extras)."""
    return [
        f"if {into} is None:",
        f"    {into} = [{line}]",
        "else:",
        f"    {into}.append({line})",
    ]


def _compile(plan: Plan) -> Reader:
    cls = plan.cls
    env: dict[str, Any] = {
        "UNSET": _UNSET,
        "new": object.__new__,
        "cls": cls,
        "unfrozen": _unfrozen(cls),
        "plan": plan,
        "too_many": _too_many,
        "twice": _twice,
        "lacks": _lacks,
        "raw": _raw,
        "too_many_attributes": _too_many_attributes,
        "element_text": element_text,
        "own_text": own_text,
    }
    body = [
        "left = ctx.elements_left - 1",
        "ctx.elements_left = left",
        "if left < 0:",
        "    too_many()",
    ]
    # Starting values: None where None is the default (and means "not seen"), else UNSET.
    for b in plan.fields:
        name = b.field
        if b.codec is not STR:
            env[f"load_{name}"] = b.codec.load
        if b.kind in (Kind.TEXTS, Kind.MANY) or (b.default is None and not b.required):
            body.append(f"v_{name} = None")
        elif b.kind is not Kind.CONTENT:
            body.append(f"v_{name} = UNSET")
            if not b.required:
                env[f"d_{name}"] = b.default
    body += _read_attributes(plan)
    body += _read_children(plan, env) if plan.children else _read_leaf(plan)
    required = [b.field for b in plan.fields if b.required and b.kind is not Kind.CONTENT]
    if required:
        body.append(f"if {' or '.join(f'v_{n} is UNSET' for n in required)}:")
        targets = "".join(f"v_{n}, " for n in required)
        values = ", ".join(f"{n!r}: v_{n}" for n in required)
        body.append(f"    ({targets}) = lacks(plan, el, ctx, {{{values}}})")
    body.append("o = new(unfrozen)")
    body.append("o.extra_attrs = tuple(extra_attrs) if extra_attrs else ()")
    body.append("o.extras = tuple(extras) if extras else ()")
    for b in plan.fields:
        name = b.field
        if b.kind in (Kind.TEXTS, Kind.MANY):
            value = f"() if v_{name} is None else tuple(v_{name})"
        elif f"d_{name}" in env:
            value = f"d_{name} if v_{name} is UNSET else v_{name}"
        else:
            value = f"v_{name}"
        body.append(f"o.{name} = {value}")
    body.append("o.__class__ = cls")
    body.append("return o")
    source = f"def read_{cls.__name__}(el, ctx):\n" + "".join(f"    {line}\n" for line in body)
    exec(compile(source, f"<punchin reader for {cls.__name__}>", "exec"), env)  # noqa: S102
    reader: Reader = env[f"read_{cls.__name__}"]
    reader.__doc__ = source  # the generated code, for whoever debugs it
    return reader


def _load(b: Binding, source: str, where: str) -> str:
    """The expression that turns ``source`` into the field's value (STR: as it is)."""
    if b.codec is STR:
        return source
    name = _qname(b.name) if b.kind is Kind.ATTR else None
    return f"load_{b.field}({source}, ctx, {where}, {name!r})"


def _read_attributes(plan: Plan) -> list[str]:
    # lxml's items() looks each value up from the first attribute: quadratic, so the
    # count is checked first, on keys() (linear, and cheaper than items() or el.attrib).
    # Most elements carry no attribute (or only optional ones): keys() alone says so.
    lines = [
        "keys = el.keys()",
        "if keys:",
        "    if len(keys) > ctx.max_attributes:",
        "        too_many_attributes(el, ctx)",
    ]
    if not plan.attrs:
        return [*lines, "    extra_attrs = el.items()", "else:", "    extra_attrs = None"]
    lines = ["extra_attrs = None", *lines, "    for k, v in el.items():"]
    keyword = "if"
    for key, b in plan.attrs.items():
        lines.append(f"        {keyword} k == {key!r}:")
        lines.append(f"            v_{b.field} = {_load(b, 'v', 'el')}")
        keyword = "elif"
    lines.append("        else:")
    lines.extend("            " + line for line in _collect("(k, v)", "extra_attrs"))
    return lines


def _read_leaf(plan: Plan) -> list[str]:
    """An element with no known children: any child is an extra."""
    lines = ["if len(el):", "    extras = [raw(child, ctx) for child in el]"]
    if plan.content is None:
        return [*lines, "else:", "    extras = None"]
    c = plan.content
    return [
        *lines,
        "    t = own_text(el, el[:])",
        "else:",
        "    extras = None",
        "    t = el.text or ''",
        f"v_{c.field} = {_load(c, 't', 'el')}",
    ]


def _read_children(plan: Plan, env: dict[str, Any]) -> list[str]:
    """One pass over the children; ``el[:]`` is cheaper than lxml's child iterator."""
    lines = ["extras = None", "children = el[:]", "for child in children:", "    tag = child.tag"]
    keyword = "if"
    for i, (tag, (b, child_cls)) in enumerate(plan.children.items()):
        name = b.field
        lines.append(f"    {keyword} tag == {tag!r}:")
        keyword = "elif"
        if child_cls is not None:
            env[f"read_{i}"] = _linking(env, f"read_{i}", child_cls.__plan__)
            value = f"read_{i}(child, ctx)"
        else:
            lines.append("        t = element_text(child) if len(child) else child.text or ''")
            value = _load(b, "t", "child")
        if b.kind in (Kind.ONE, Kind.TEXT):
            absent = "None" if b.default is None and not b.required else "UNSET"
            lines.append(f"        if v_{name} is not {absent}:")
            lines.append("            twice(child)")
            lines.append(f"        v_{name} = {value}")
        else:
            lines.extend("        " + line for line in _collect(value, f"v_{name}"))
    lines.append("    else:")
    lines.extend("        " + line for line in _collect("raw(child, ctx)", "extras"))
    if plan.content is not None:
        c = plan.content
        lines.append("t = own_text(el, children) if children else el.text or ''")
        lines.append(f"v_{c.field} = {_load(c, 't', 'el')}")
    return lines


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
