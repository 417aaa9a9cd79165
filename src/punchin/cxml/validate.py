"""DTD validation against local copies of the official cXML DTDs, never the network.

The official DTDs are not ours to ship (cXML.org licence): the directory comes from
the caller, or ``PUNCHIN_CXML_DTD_DIR``. Its layout is ``<dir>/<version>/<file>.dtd``.
A document is parsed without loading any DTD, then checked with a DTD object
loaded once per file (about 9 ms each) and kept.
"""

from __future__ import annotations

import functools
import os
import re
from dataclasses import dataclass
from pathlib import Path

from lxml import etree

from punchin.cxml.errors import CXMLError
from punchin.cxml.safety import Limits, check_bytes, parse_tree

DTD_DIR_ENV = "PUNCHIN_CXML_DTD_DIR"
_VERSION_ATTR = re.compile(rb"<cXML\b[^>]*?\sversion\s*=\s*[\"'](\d+\.\d+(?:\.\d+)?)[\"']")
_FULFILL = re.compile(rb"<(?:ConfirmationRequest|ShipNoticeRequest)\b")
_INVOICE = re.compile(rb"<InvoiceDetailRequest\b")


@dataclass(frozen=True, slots=True)
class Problem:
    """One reason a document is not valid, with the line it was found on."""

    message: str
    line: int | None = None
    dtd: str | None = None

    def __str__(self) -> str:
        where = f"line {self.line}: " if self.line else ""
        return f"{where}{self.message}"


class NoDTDDirectory(CXMLError):
    """Validation was asked for but no DTD directory is configured."""


def _version_key(version: str) -> tuple[int, ...]:
    return tuple(int(part) for part in version.split("."))


def dtd_directory(dtd_dir: Path | None = None) -> Path:
    if dtd_dir is not None:
        return Path(dtd_dir)
    configured = os.environ.get(DTD_DIR_ENV)
    if not configured:
        raise NoDTDDirectory(
            f"no cXML DTD directory: pass dtd_dir or set {DTD_DIR_ENV} to a folder of "
            "<version>/cXML.dtd files"
        )
    return Path(configured)


def choose_dtd(dtd_dir: Path, version: str, dtd_file: str) -> Path | None:
    """The DTD for ``version``: that version's file, else the nearest newer, else the
    newest older one present (DTDs are supersets in practice: docs/protocol.md S14)."""
    candidates = sorted(
        (p.parent.name for p in dtd_dir.glob(f"*/{dtd_file}") if _is_version(p.parent.name)),
        key=_version_key,
    )
    if not candidates:
        return None
    wanted = _version_key(version)
    newer = [v for v in candidates if _version_key(v) >= wanted]
    chosen = newer[0] if newer else candidates[-1]
    return dtd_dir / chosen / dtd_file


def _is_version(name: str) -> bool:
    return re.fullmatch(r"\d+\.\d+\.\d+", name) is not None


@functools.lru_cache(maxsize=32)
def _load_dtd(path: Path) -> etree.DTD:
    return etree.DTD(str(path))


def validate(
    data: bytes, dtd_dir: Path | None = None, *, limits: Limits | None = None
) -> list[Problem]:
    """Problems that make ``data`` invalid against the DTD it declares; empty if valid.

    The version comes from the DOCTYPE's SYSTEM id, else (no DOCTYPE, or a bare
    ``cXML.dtd``) the root's ``version``; the file from the DOCTYPE, else from the
    payload (Fulfill.dtd, InvoiceDetail.dtd).
    """
    directory = dtd_directory(dtd_dir)
    try:
        body, doctype = check_bytes(data, limits or Limits(), None)
        root = parse_tree(body)
    except CXMLError as exc:
        return [Problem(exc.detail, exc.line)]
    version = doctype.version if doctype is not None else None
    if version is None:
        found = _VERSION_ATTR.search(body)
        if found is None:
            return [Problem("no version in the DOCTYPE or the cXML root: cannot pick a DTD", 1)]
        version = found.group(1).decode()
    if doctype is not None:
        dtd_file = doctype.dtd_file
    else:
        dtd_file = (
            "Fulfill.dtd"
            if _FULFILL.search(body)
            else "InvoiceDetail.dtd"
            if _INVOICE.search(body)
            else "cXML.dtd"
        )
    path = choose_dtd(directory, version, dtd_file)
    if path is None:
        return [Problem(f"no local copy of {dtd_file} in {directory}", None)]
    dtd = _load_dtd(path)
    if dtd.validate(root):
        return []
    label = f"{path.parent.name}/{path.name}"
    return [
        Problem(error.message, error.line, label) for error in dtd.error_log.filter_from_errors()
    ]
