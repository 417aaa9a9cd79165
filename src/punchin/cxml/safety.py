"""The one hardened way bytes from a partner become an XML tree.

Everything the parser could be tricked into is refused on the raw bytes first
(docs/security.md rows 1-8), because some traps survive lxml's own switches (lxml 6.1,
libxml2 2.14, measured; docs/security.md has the table and the tests):

* an internal subset holding only ``<!ATTLIST>`` still changes the tree with
  ``load_dtd=False``: a default ``xmlns`` moves the root into another namespace and
  an ``ID``/``NMTOKENS`` type collapses spaces in attribute values;
* a UTF-16 body hides ``<!DOCTYPE`` from a byte scan, so the encoding is settled first;
* with ``resolve_entities=False`` and a DOCTYPE present, ``&name;`` becomes an entity
  node that splits text (``a@b.com&x;.evil.com`` would read as ``a@b.com``);
* ``collect_ids=False`` makes libxml2 try to load the external DTD, so the parser
  keeps lxml's default there.

The scan covers the whole body (padding defeats a look at the first KiB) and costs
about a tenth of ``lxml.etree.fromstring`` on the same bytes (docs/performance.md).
"""

from __future__ import annotations

import functools
import re
import threading
from collections.abc import Iterator
from dataclasses import dataclass

from lxml import etree

from punchin.cxml.errors import BadRequest, PayloadTooLarge

DEFAULT_MAX_BYTES = 10 * 1024 * 1024


@dataclass(frozen=True, slots=True)
class Limits:
    """Bounds on what one document may cost to read.

    max_bytes: body size (10 MB, as large carts with many lines stay well below).
    max_elements: elements the models will read; caps 100k-line carts that stay
        under the byte limit. Twice this many ``<`` is also the markup allowed
        before parsing, which bounds the memory of the tree.
    max_attributes: attributes on one element; lxml reads attribute values in
        quadratic time (20,000 attributes on one element: about 1 s).
    max_namespaces: namespace declarations in scope of an element the models do
        not know; lxml serialises it in time quadratic in them (2,000: 10 ms each).
    """

    max_bytes: int = DEFAULT_MAX_BYTES
    max_elements: int = 200_000
    max_attributes: int = 256
    max_namespaces: int = 64


@dataclass(frozen=True, slots=True)
class Repair:
    """One thing lenient mode changed to read an imperfect document (P24)."""

    what: str
    line: int | None = None


@dataclass(frozen=True, slots=True)
class Doctype:
    """The DOCTYPE's SYSTEM identifier, split into the parts that pick a DTD.

    ``version`` is None for a bare ``cXML.dtd`` (Oracle's XML Gateway writes one): the
    root's ``version`` attribute then picks the DTD.
    """

    version: str | None
    dtd_file: str


# The forms partners send (docs/protocol.md S0; the field traits in
# tests/data/cxml/field/traits.toml): a SYSTEM id on xml.cxml.org over http or https,
# the host in any case (host names are case-insensitive: Ariba's examples write
# xml.cXML.org), any version (1.0, 1.1.010, 1.2.063), or a bare file name. The id is
# never loaded, so only its form matters; an id elsewhere (file:, another host) is a
# probe that a tool re-validating the stored document would fetch, and is refused.
# No internal subset: no "[" after the id.
_DOCTYPE = re.compile(
    rb"<!DOCTYPE\s+cXML\s+SYSTEM\s+([\"'])"
    rb"(?:(?i:https?://xml\.cxml\.org)/schemas/cXML/(?P<version>\d+\.\d+(?:\.\d+)?)/)?"
    rb"(?P<file>[A-Za-z]+\.dtd)\1\s*>"
)
# Any markup declaration, wherever it stands (inside comments and CDATA too: a
# legitimate cXML document never carries one except its DOCTYPE).
_MARKUP_DECL = re.compile(rb"<!(?:DOCTYPE|ENTITY|ATTLIST|ELEMENT|NOTATION)")
# "!" found by bytes.find (memchr) before the regex takes over: see _markup_declarations.
_BANGS = 64
# What may stand before the DOCTYPE: the XML declaration, white space, comments, PIs.
# Possessive (never backtracks): 10 MiB of white space take 27 ms, not 1.7 s.
_PROLOG = re.compile(rb"(?:<\?xml[^>]*\?>)?(?:\s++|<!--.*?-->|<\?.*?\?>)*+", re.DOTALL)
_XML_DECL = re.compile(rb"<\?xml[^>]*?encoding\s*=\s*([\"'])([A-Za-z0-9._-]+)\1")
# "&" not starting one of the five predefined entities or a character reference.
_BAD_REFERENCE = re.compile(rb"&(?!(?:amp|lt|gt|quot|apos|#[0-9]+|#x[0-9A-Fa-f]+);)")
# "&" found by bytes.find (memchr) before the regex takes over: at most one per this many
# bytes of the body (see _has_bad_reference).
_AMP_SPAN = 512
# Lenient mode escapes a sloppy partner's raw "&" (one per cart line, say), not millions:
# each costs a regex replacement and four bytes beyond the size limit.
_MAX_ESCAPES = 100_000
# Where XML allows a raw "&" (comments, CDATA sections, processing instructions), or a bad "&".
_LEX = re.compile(rb"<!--|<!\[CDATA\[|<\?|" + _BAD_REFERENCE.pattern)
_OPAQUE_END = {b"<!--": b"-->", b"<![CDATA[": b"]]>", b"<?": b"?>"}
# Encodings in which every ASCII character is the same single byte, so the scans
# below see what the parser will see.
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
# Byte order marks of UTF-16 (either order, covering UTF-32LE), UTF-32BE and UTF-7.
_WIDE_BOMS = (b"\xff\xfe", b"\xfe\xff", b"\x00\x00\xfe\xff", b"+/v")
_UTF8_BOM = b"\xef\xbb\xbf"


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
    if not data or data.isspace():  # what "not data.strip()" says, without copying data
        raise BadRequest("empty body: expected a cXML document")
    if data.startswith(_UTF8_BOM):
        data = data[len(_UTF8_BOM) :]
    _check_encoding(data)
    # Each "<" is a byte: a body no longer than the bound needs no count.
    markup = data.count(b"<") if len(data) > 2 * limits.max_elements else 0
    if markup > 2 * limits.max_elements:
        raise PayloadTooLarge(
            f"document has {markup} '<' characters; at most {limits.max_elements} elements "
            "are allowed"
        )
    doctype = _check_declarations(data)
    if doctype is not None and doctype.version is None and repairs is not None:
        repairs.append(
            Repair(
                f"DOCTYPE names {doctype.dtd_file!r} without a version: the DTD is the "
                "one of the cXML version attribute",
                _line_of(data, data.find(b"<!DOCTYPE")),
            )
        )
    return _check_references(data, repairs), doctype


def _check_encoding(data: bytes) -> None:
    """UTF-8, or a declared encoding where ASCII is ASCII (docs/security.md row 4)."""
    if data.startswith(_WIDE_BOMS):
        raise BadRequest("document is not UTF-8 (UTF-16, UTF-32 or UTF-7 byte order mark)")
    nul = data.find(b"\x00")
    if nul >= 0:
        if nul < 4:
            raise BadRequest("document is not UTF-8 (NUL bytes: UTF-16 or UTF-32 without BOM)")
        raise BadRequest("document contains a NUL byte", line=_line_of(data, nul))
    declared = _XML_DECL.match(data)
    encoding = declared.group(2).decode("ascii").lower() if declared else "utf-8"
    if encoding not in _EIGHT_BIT:
        raise BadRequest(f"unsupported encoding {encoding!r}: send UTF-8")
    if encoding in ("utf-8", "utf8") and not data.isascii():
        try:
            data.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise BadRequest(
                f"invalid UTF-8 at byte {exc.start}", line=_line_of(data, exc.start)
            ) from None


def _check_declarations(data: bytes) -> Doctype | None:
    """At most one markup declaration: the cXML DOCTYPE, in the prolog (rows 1 and 3)."""
    declarations = _markup_declarations(data)
    first = next(declarations, None)
    if first is None:
        return None
    second = next(declarations, None)
    match = _DOCTYPE.match(data, first.start())
    prolog = _PROLOG.match(data)
    assert prolog is not None  # it matches the empty string
    if second is not None or match is None or prolog.end() != first.start():
        bad = second if match is not None and second is not None else first
        raise BadRequest(
            "only one DOCTYPE, of the form <!DOCTYPE cXML SYSTEM "
            '"http(s)://xml.cxml.org/schemas/cXML/<version>/<file>.dtd"> (or a bare '
            '"cXML.dtd") before the root, is allowed; internal subsets, entity declarations '
            "and other system or public ids are refused",
            line=_line_of(data, bad.start()),
        )
    return _doctype(*match.group("version", "file"))


@functools.lru_cache(maxsize=64)
def _doctype(version: bytes | None, dtd_file: bytes) -> Doctype:
    """One Doctype per SYSTEM id (it is frozen): building one cost a sixth of the check."""
    return Doctype(version.decode() if version else None, dtd_file.decode())


def _markup_declarations(data: bytes) -> Iterator[re.Match[bytes]]:
    """_MARKUP_DECL's matches, in order. The regex steps through the body byte by byte
    (26 µs for a 100-line cart of 87 KB); each match holds a "!", which is rare (the
    DOCTYPE, comments), and ``bytes.find`` finds one byte at memchr speed (1 µs). After
    _BANGS of them the regex goes on alone: a body full of "!" costs no Python loop per
    byte."""
    pos = 0
    for _ in range(_BANGS):
        bang = data.find(b"!", pos)
        if bang < 0:
            return
        found = _MARKUP_DECL.match(data, bang - 1) if bang else None
        if found is not None:
            yield found
        pos = bang + 1
    # A match from here on starts at pos or later: data[pos - 1] is a "!", not a "<".
    yield from _MARKUP_DECL.finditer(data, pos)


def _check_references(data: bytes, repairs: list[Repair] | None) -> bytes:
    """Refuse (strict) or escape (lenient, P24) each ``&`` that starts no XML reference.

    No DTD declares entities, so any other ``&name;`` is either a raw ampersand or an
    entity node that would split the text around it (row 8).
    """
    if not _has_bad_reference(data):
        return data
    pieces: list[bytes] = []
    done = 0
    for offset in _bad_references(data):
        if repairs is None:
            raise BadRequest(
                "raw '&' or undefined entity reference (write '&amp;')",
                line=_line_of(data, offset),
            )
        if len(pieces) == 2 * _MAX_ESCAPES:
            raise BadRequest(
                f"more than {_MAX_ESCAPES} raw '&' to escape: not a document lenient mode repairs",
                line=_line_of(data, offset),
            )
        pieces += (data[done:offset], b"&amp;")
        done = offset + 1
    if not pieces:  # every "&" sat in a comment, CDATA section or PI
        return data
    assert repairs is not None
    first = _line_of(data, len(pieces[0]))
    repairs.append(Repair("escaped raw '&' characters as '&amp;'", first))
    return b"".join([*pieces, data[done:]])


def _has_bad_reference(data: bytes) -> bool:
    """Whether _BAD_REFERENCE matches anywhere. The regex steps through the body byte by
    byte (28 µs for a 100-line cart), though an "&" is rare and mostly the "&amp;" of a
    description: ``bytes.find`` jumps from one to the next at memchr speed. Each costs a
    Python step of about a regex's 600 bytes, so after one per _AMP_SPAN bytes the regex
    goes on alone: a body of "&amp;" costs at most twice the regex."""
    pos = data.find(b"&")
    for _ in range(len(data) // _AMP_SPAN):
        if pos < 0:
            return False
        if not data.startswith(b"amp;", pos + 1) and _BAD_REFERENCE.match(data, pos):
            return True
        pos = data.find(b"&", pos + 1)
    return pos >= 0 and _BAD_REFERENCE.search(data, pos) is not None


def _bad_references(data: bytes) -> Iterator[int]:
    """Offsets of the bad ``&`` outside comments, CDATA sections and PIs (where XML allows
    a raw one). Linear: an unterminated section ends the scan (the parser refuses it)."""
    pos = 0
    while (found := _LEX.search(data, pos)) is not None:
        token = found.group()
        if token == b"&":
            yield found.start()
            pos = found.end()
            continue
        close = _OPAQUE_END[token]
        end = data.find(close, found.end())
        if end < 0:
            return
        pos = end + len(close)


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
