"""The audit trail of cXML documents, as an abstract model each party makes concrete.

Invariant (docs/architecture.md): every inbound document is stored before it is acted
on and every outbound one before it is sent; the outcome is filled in afterwards.
"""

from __future__ import annotations

from django.db import models

_SECRET_OPEN = b"<SharedSecret"
_SECRET_CLOSE = b"</SharedSecret"
REDACTED = b"***"


def redact_secrets(raw: bytes) -> bytes:
    """``raw`` with the content of every SharedSecret element replaced by ``***``.

    The audit trail is a log, and secrets are never logged: an admin reading a
    PunchOutSetupRequest must not learn the store's SharedSecret. A plain scan, linear
    in the body even when it is hostile (no backtracking regular expression).
    """
    if _SECRET_OPEN not in raw:
        return raw
    out: list[bytes] = []
    position = 0
    while (start := raw.find(_SECRET_OPEN, position)) != -1:
        tag_end = raw.find(b">", start)
        if tag_end == -1:
            break
        out.append(raw[position : tag_end + 1])
        close = raw.find(_SECRET_CLOSE, tag_end)
        out.append(REDACTED)
        if close == -1:
            return b"".join(out)
        position = close
    out.append(raw[position:])
    return b"".join(out)


class Direction(models.TextChoices):
    INBOUND = "in", "Inbound"
    OUTBOUND = "out", "Outbound"


class CxmlDocumentBase(models.Model):
    """One cXML document as it crossed the wire, with what became of it."""

    direction = models.CharField(max_length=3, choices=Direction.choices)
    document_type = models.CharField(max_length=64, blank=True)
    payload_id = models.CharField(max_length=255, blank=True, db_index=True)
    peer = models.CharField(max_length=255, blank=True, help_text="URL or partner name")
    raw = models.BinaryField(help_text="exact bytes as received or sent")
    status_code = models.PositiveIntegerField(null=True, blank=True)
    status_text = models.CharField(max_length=255, blank=True)
    detail = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True
        ordering = ("-created_at",)

    def __str__(self) -> str:
        arrow = "<-" if self.direction == Direction.INBOUND else "->"
        return f"{arrow} {self.document_type or 'document'} {self.payload_id} {self.status_code}"

    @property
    def text(self) -> str:
        """The document for people to read (escaped by the template), its SharedSecrets
        redacted: the stored bytes may keep them, no page shows them."""
        return redact_secrets(bytes(self.raw)).decode("utf-8", errors="replace")
