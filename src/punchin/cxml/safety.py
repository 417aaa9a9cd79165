"""The one hardened way bytes from a partner become an XML tree.

Everything the parser could be tricked into is refused on the raw bytes first
(SECURITY.md rows 1-8), because some traps survive lxml's own switches: an
internal subset holding only ``<!ATTLIST>`` injects default attributes even with
``load_dtd=False``, and a UTF-16 body hides ``<!DOCTYPE`` from a byte scan.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass

from lxml import etree

from punchin.cxml.errors import BadRequest, PayloadTooLarge

DEFAULT_MAX_BYTES = 10 * 1024 * 1024


@dataclass(frozen=True, slots=True)
class Limits:
    """Bounds on what one document may cost to read.

    max_bytes: body size (10 MB, as large carts with many lines stay well below).
    max_elements: elements the models will read; caps 100k-line carts that stay
        under the byte limit.
    """

    max_bytes: int = DEFAULT_MAX_BYTES
    max_elements: int = 200_000


@dataclass(frozen=True, slots=True)
class Repair:
    """One thing lenient mode changed to read an imperfect document (P24)."""

    what: str
    line: int | None = None


@dataclass(frozen=True, slots=True)
class Doctype:
    """The DOCTYPE's SYSTEM identifier, split into the parts that pick a DTD."""

    version: str
    dtd_file: str


# cXML requires exactly this form (SPEC-NOTES 0): SYSTEM id on xml.cxml.org, no subset.
_DOCTYPE = re.compile(
    rb"<!DOCTYPE\s+cXML\s+SYSTEM\s+([\"'])https?://xml\.cxml\.org/schemas/cXML/"
    rb"(?P<version>\d+\.\d+\.\d+)/(?P<file>[A-Za-z]+\.dtd)\1\s*>"
)
_MARKUP_DECL = re.compile(rb"<!(?:DOCTYPE|ENTITY|ATTLIST|ELEMENT|NOTATION)")
_XML_DECL = re.compile(rb"^<\?xml[^>]*?encoding\s*=\s*([\"'])([A-Za-z0-9._-]+)\1")
# References other than the five predefined entities and character references.
_BAD_REFERENCE = re.compile(rb"&(?!(?:amp|lt|gt|quot|apos|#[0-9]+|#x[0-9A-Fa-f]+);)")
_EIGHT_BIT = frozenset(
    {
        "utf-8",
        "utf8",
        "us-ascii",
        "ascii",
        "iso-8859-1",
        "latin-1",
        "latin1",
        "windows-1252",
        "cp1252",
        "iso-8859-15",
    }
)
_WIDE_BOMS = (b"\xff\xfe", b"\xfe\xff", b"\x00\x00\xfe\xff", b"\x00\x00", b"+/v")


def _line_of(data: bytes, offset: int) -> int:
    return data.count(b"\n", 0, offset) + 1


def check_bytes(
    data: bytes, limits: Limits, repairs: list[Repair] | None
) -> tuple[bytes, Doctype | None]:
    """Refuse hostile bodies before any parser sees them; return the body to parse.

    ``repairs`` is None in strict mode; in lenient mode repairs are applied and
    appended to it.
    """
    if len(data) > limits.max_bytes:
        raise PayloadTooLarge(f"document is {len(data)} bytes; the limit is {limits.max_bytes}")
    if not data.strip():
        raise BadRequest("empty body: expected a cXML document")
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    if data.startswith(_WIDE_BOMS) or (len(data) > 1 and data[1] == 0):
        raise BadRequest("document is not UTF-8 (UTF-16/32 or UTF-7 byte order mark found)")
    if b"\x00" in data:
        raise BadRequest("document contains NUL bytes", line=_line_of(data, data.index(b"\x00")))
    declared = _XML_DECL.match(data)
    encoding = declared.group(2).decode("ascii").lower() if declared else "utf-8"
    if encoding not in _EIGHT_BIT:
        raise BadRequest(f"unsupported encoding {encoding!r}: send UTF-8")
    if encoding in ("utf-8", "utf8"):
        try:
            data.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise BadRequest(
                f"invalid UTF-8 at byte {exc.start}", line=_line_of(data, exc.start)
            ) from None

    doctype = None
    declarations = list(_MARKUP_DECL.finditer(data))
    if declarations:
        first = declarations[0]
        match = _DOCTYPE.match(data, first.start())
        if len(declarations) > 1 or match is None:
            bad = declarations[1] if match is not None else first
            raise BadRequest(
                "only one DOCTYPE of the form <!DOCTYPE cXML SYSTEM "
                '"http://xml.cxml.org/schemas/cXML/<version>/<file>.dtd"> is allowed; '
                "internal subsets, entity declarations and other system ids are refused",
                line=_line_of(data, bad.start()),
            )
        doctype = Doctype(match.group("version").decode(), match.group("file").decode())

    bad_ref = _BAD_REFERENCE.search(data)
    if bad_ref is not None:
        if repairs is None:
            raise BadRequest(
                "raw '&' or undefined entity reference (write '&amp;')",
                line=_line_of(data, bad_ref.start()),
            )
        repairs.append(
            Repair("escaped raw '&' characters as '&amp;'", _line_of(data, bad_ref.start()))
        )
        data = _BAD_REFERENCE.sub(b"&amp;", data)
    return data, doctype


class _Parsers(threading.local):
    """lxml parsers are not thread-safe: one hardened parser per thread."""

    def __init__(self) -> None:
        self.parser = etree.XMLParser(
            resolve_entities=False,
            no_network=True,
            load_dtd=False,
            dtd_validation=False,
            attribute_defaults=False,
            remove_comments=True,
            remove_pis=True,
            huge_tree=False,
        )


_parsers = _Parsers()


def parse_tree(data: bytes) -> etree._Element:
    """Parse bytes already passed by ``check_bytes``; any parser error is a 400."""
    try:
        return etree.fromstring(data, _parsers.parser)
    except etree.XMLSyntaxError as exc:
        line = exc.lineno if isinstance(exc.lineno, int) else None
        raise BadRequest(f"not well-formed XML: {exc.msg}", line=line) from None
