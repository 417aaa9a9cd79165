"""Writing the audit trail: stored before acting, outcome filled in afterwards."""

from __future__ import annotations

from punchin.cxml import CXMLError, parse
from punchin.cxml.envelope import Response
from punchin.procurement.documents.models import CxmlDocument
from punchin.web.documents import Direction, redact_secrets


async def record_inbound(raw: bytes, peer: str, document_type: str = "") -> CxmlDocument:
    """Store a document as received (secrets redacted) before anything reads it: the
    audit invariant."""
    return await CxmlDocument.objects.acreate(
        direction=Direction.INBOUND,
        raw=redact_secrets(raw),
        peer=peer[:255],
        document_type=document_type,
    )


async def record_received(entry: CxmlDocument) -> None:
    """Store a document that was received and read in one step (one write, not two)."""
    entry.direction = Direction.INBOUND
    entry.raw = redact_secrets(bytes(entry.raw))
    entry.payload_id = entry.payload_id[:255]
    entry.peer = entry.peer[:255]
    entry.status_text = entry.status_text[:255]
    await entry.asave(force_insert=True)


async def record_outcome(
    entry: CxmlDocument, *, code: int, text: str, detail: str = "", answer: bytes = b""
) -> None:
    """Save what became of ``entry``, with what was learnt about it meanwhile
    (its payloadID, type and peer, set on the object by the caller)."""
    entry.status_code = code
    entry.status_text = text[:255]
    entry.detail = detail
    entry.answer = answer
    entry.payload_id = entry.payload_id[:255]
    entry.peer = entry.peer[:255]
    await entry.asave(
        update_fields=[
            "status_code",
            "status_text",
            "detail",
            "answer",
            "payload_id",
            "peer",
            "document_type",
            "updated_at",
        ]
    )


async def record_answer(entry: CxmlDocument, answer: bytes) -> None:
    """Record the cXML Response we answered ``entry`` with, and its Status."""
    try:
        body = parse(answer).body
    except CXMLError:  # our own answers always parse; keep the bytes regardless
        body = None
    if isinstance(body, Response):
        status = body.status
        await record_outcome(
            entry, code=status.code, text=status.text, detail=status.detail, answer=answer
        )
    else:
        await record_outcome(entry, code=0, text="unreadable answer", answer=answer)
