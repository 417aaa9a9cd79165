"""Reading a partner's cXML the way a tolerant but honest party does (P24, P25).

Strict first: a document our own parser accepts is well-formed and readable as it
stands. Otherwise lenient, which repairs what partners are known to send (a raw
``&`` in a URL, P24), and each repair becomes a WARN: it works with punchin, it may
not with a stricter partner. The DTD check uses local DTDs only, never the network
(P25), and runs on the repaired bytes when repairs were needed.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from punchin.cxml import CXMLError, Document, Limits, Repair, read
from punchin.cxml.safety import check_bytes, parse_tree
from punchin.cxml.validate import validate

from .findings import Finding, failed, passed, warned

DOCUMENT = "cXML document"
DTD = "DTD-valid"
CONTENT_TYPE = "Content-Type"
_XML_TYPES = ("text/xml", "application/xml")
_SHOWN_PROBLEMS = 3


@dataclass(frozen=True, slots=True)
class Reading:
    """The document (None if unreadable) and what reading it found."""

    document: Document | None
    findings: list[Finding]


def _where(line: int | None) -> str:
    return f" (line {line})" if line else ""


def _looks_like_html(body: bytes, content_type: str) -> bool:
    start = body.lstrip()[:64].lower()
    return "html" in content_type.lower() or start.startswith((b"<!doctype html", b"<html"))


def check_content_type(content_type: str | None) -> Finding:
    """cXML travels as ``text/xml`` (P20); ``application/xml`` is read the same."""
    media = (content_type or "").partition(";")[0].strip().lower()
    if media in _XML_TYPES:
        return passed(CONTENT_TYPE, content_type or "")
    return warned(CONTENT_TYPE, f"{content_type or '(none)'}; cXML is sent as text/xml (P20)")


def _repair_findings(strict: CXMLError, repairs: tuple[Repair, ...]) -> list[Finding]:
    if not repairs:  # lenient mode read it without a repair it could name
        return [warned(DOCUMENT, f"read only leniently: {strict.detail}{_where(strict.line)}")]
    return [
        warned(
            DOCUMENT,
            f"not well-formed as sent ({strict.detail}); read after repairing: "
            f"{repair.what}{_where(repair.line)} (P24)",
        )
        for repair in repairs
    ]


def _dtd_findings(body: bytes, repaired: bool, dtd_dir: Path | None) -> list[Finding]:
    if dtd_dir is None:
        return [warned(DTD, "not checked: no local cXML DTD directory (P25)")]
    limits = Limits()
    if repaired:
        body, _ = check_bytes(body, limits, [])  # the bytes the lenient read parsed
    problems = validate(body, dtd_dir, limits=limits)
    if problems:
        shown = "; ".join(str(p) for p in problems[:_SHOWN_PROBLEMS])
        extra = len(problems) - _SHOWN_PROBLEMS
        more = f" (and {extra} more)" if extra > 0 else ""
        return [failed(DTD, f"{shown}{more}")]
    if repaired:
        return [warned(DTD, "valid once repaired as above, not as sent")]
    return [passed(DTD, "valid against the DTD it declares (local copy)")]


def _well_formed(body: bytes) -> bool:
    try:
        parse_tree(check_bytes(body, Limits(), None)[0])
    except CXMLError:
        return False
    return True


def read_cxml(body: bytes, content_type: str | None, dtd_dir: Path | None) -> Reading:
    """Findings for ``body``: well-formed cXML (strict, else lenient) and DTD validity."""
    if not body.strip():
        return Reading(None, [failed(DOCUMENT, "the body is empty")])
    if _looks_like_html(body, content_type or ""):
        return Reading(None, [failed(DOCUMENT, "an HTML page, not a cXML document")])
    try:
        document = read(body).document
    except CXMLError as strict:
        try:
            parsed = read(body, lenient=True)
        except CXMLError:
            found = failed(DOCUMENT, f"not readable cXML: {strict.detail}{_where(strict.line)}")
            if not _well_formed(body):
                return Reading(None, [found])
            # Well-formed, but not what the models read: the DTD says more precisely why.
            return Reading(None, [found, *_dtd_findings(body, False, dtd_dir)])
        findings = _repair_findings(strict, parsed.repairs)
        return Reading(parsed.document, findings + _dtd_findings(body, True, dtd_dir))
    findings = [passed(DOCUMENT, "well-formed, read strictly")]
    return Reading(document, findings + _dtd_findings(body, False, dtd_dir))
