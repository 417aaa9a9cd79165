"""Writing the audit trail: documents are kept exactly (``CxmlDocument.text`` shows them
with their SharedSecrets masked)."""

from __future__ import annotations

from punchin.cxml import CXMLError, parse
from punchin.cxml.envelope import Response
from punchin.storefront.documents.models import CxmlDocument
from punchin.web.documents import Direction


async def record_inbound(raw: bytes, peer: str, document_type: str) -> CxmlDocument:
    """Store a received document before anything is done with it (docs/architecture.md)."""
    return await CxmlDocument.objects.acreate(
        direction=Direction.INBOUND, document_type=document_type, peer=peer[:255], raw=raw
    )


async def record_outcome(entry: CxmlDocument, answer: bytes) -> None:
    """Note on the stored document what we answered (its cXML Status)."""
    try:
        body = parse(answer).body
        status = body.status if isinstance(body, Response) else None
    except CXMLError:
        status = None
    if status is not None:
        entry.status_code = status.code
        entry.status_text = status.text[:255]
        entry.detail = status.detail
    await entry.asave()
