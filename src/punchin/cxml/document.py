"""Bytes to typed documents and back: ``parse``, ``read`` (with repairs), ``serialize``."""

from __future__ import annotations

from dataclasses import dataclass

from punchin.cxml.binding import ReadContext, write
from punchin.cxml.binding import read as read_element
from punchin.cxml.envelope import Document
from punchin.cxml.errors import BadRequest
from punchin.cxml.fulfill import ConfirmationRequest, ShipNoticeRequest
from punchin.cxml.invoice import InvoiceDetailRequest
from punchin.cxml.safety import Doctype, Limits, Repair, check_bytes, parse_tree

DEFAULT_VERSION = "1.2.063"
DTD_BASE = "http://xml.cxml.org/schemas/cXML"
_LIMITS = Limits()  # frozen: one for every read that names none


@dataclass(frozen=True, slots=True)
class Parsed:
    """What ``read`` found: the document, the repairs lenient mode made, the DOCTYPE."""

    document: Document
    repairs: tuple[Repair, ...]
    doctype: Doctype | None


def read(data: bytes, *, lenient: bool = False, limits: Limits | None = None) -> Parsed:
    """Safely turn wire bytes into a typed document.

    Strict mode (the default) refuses anything imperfect with a ``BadRequest``;
    lenient mode repairs what partners are known to send (P24) and lists each repair.
    Only ``CXMLError`` subclasses escape, whatever the input.
    """
    limits = limits or _LIMITS
    repairs: list[Repair] | None = [] if lenient else None
    body, doctype = check_bytes(data, limits, repairs)
    root = parse_tree(body)
    if root.tag != "cXML":
        raise BadRequest(f"root element is {root.tag!r}; expected 'cXML'", line=root.sourceline)
    document = read_element(Document, root, ReadContext(limits, repairs))
    if document.version is None and doctype is not None and doctype.version is not None:
        # The DTD's default for the attribute is the DTD's own version. The document is
        # not shared yet: set the field as its reader did, rather than copy it with
        # dataclasses.replace (2 µs, a twentieth of reading a one-line cart).
        object.__setattr__(document, "version", doctype.version)
    return Parsed(document, tuple(repairs or ()), doctype)


def parse(data: bytes, *, lenient: bool = False, limits: Limits | None = None) -> Document:
    """Bytes from the wire to a typed document (see ``read`` for the repairs)."""
    return read(data, lenient=lenient, limits=limits).document


def dtd_file(document: Document) -> str:
    """The DTD file that declares this document's payload (docs/protocol.md S0)."""
    payload = getattr(document.body, "payload", None)
    if isinstance(payload, ConfirmationRequest | ShipNoticeRequest):
        return "Fulfill.dtd"
    if isinstance(payload, InvoiceDetailRequest):
        return "InvoiceDetail.dtd"
    return "cXML.dtd"


def system_id(document: Document) -> str:
    return f"{DTD_BASE}/{document.version or DEFAULT_VERSION}/{dtd_file(document)}"


def serialize(document: Document) -> bytes:
    """A typed document to wire bytes: XML declaration, DOCTYPE, elements in DTD order."""
    out = [
        '<?xml version="1.0" encoding="UTF-8"?>\n',
        f'<!DOCTYPE cXML SYSTEM "{system_id(document)}">\n',
    ]
    write(document, out)
    out.append("\n")
    return "".join(out).encode("utf-8")
