"""Writing the audit trail of documents procurement fetches (the cart behind a PoomUrl);
requests posted to us are logged by the inbound pipeline (``punchin.web.inbound``)."""

from __future__ import annotations

from punchin.procurement.documents.models import CxmlDocument
from punchin.web.documents import Direction
from punchin.web.inbound import body_digest


def record_received(entry: CxmlDocument) -> CxmlDocument:
    """A document that was fetched and read, ready to be stored in one write (the
    inbound pipeline stores it as one of ``Received.records``)."""
    entry.direction = Direction.INBOUND
    entry.size = len(entry.raw)
    entry.body_digest = body_digest(bytes(entry.raw))
    entry.payload_id = entry.payload_id[:255]
    entry.peer = entry.peer[:255]
    entry.status_text = entry.status_text[:255]
    return entry
