"""The audit trail of cXML documents, as an abstract model each party makes concrete.

Invariant (docs/architecture.md, "The audit trail"): every inbound document is stored
before it is acted on and every outbound one before it is sent; the outcome is filled
in afterwards. Inbound documents are kept with their SharedSecrets masked, beside a
keyed digest of the exact bytes received; outbound ones as sent.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta
from typing import Any

from django.db import models
from django.utils import timezone

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


REPAIRS_WINDOW = timedelta(days=30)


def repaired_counts(log: type[CxmlDocumentBase], peers: Iterable[str]) -> dict[str, int]:
    """How many documents from each of ``peers`` needed repairs in the last 30 days:
    a partner drifting into imperfect documents shows on its settings page."""
    since = timezone.now() - REPAIRS_WINDOW
    rows = (
        log._default_manager.filter(
            direction=Direction.INBOUND, peer__in=list(peers), created_at__gte=since
        )
        .exclude(repairs="")
        .values("peer")
        .annotate(count=models.Count("pk"))
    )
    return {row["peer"]: row["count"] for row in rows}


class Direction(models.TextChoices):
    INBOUND = "in", "Inbound"
    OUTBOUND = "out", "Outbound"


class CxmlDocumentBase(models.Model):
    """One cXML document as it crossed the wire, with what became of it."""

    direction = models.CharField(max_length=3, choices=Direction.choices)
    document_type = models.CharField(max_length=64, blank=True)
    payload_id = models.CharField(max_length=255, blank=True, db_index=True)
    peer = models.CharField(max_length=255, blank=True, help_text="URL or partner name")
    claimed_sender = models.CharField(
        max_length=255,
        blank=True,
        help_text="while the sender is unknown: the Sender credential the request claimed "
        "(peer is then the client's address); empty once authenticated",
    )
    raw = models.BinaryField(
        help_text="as sent; as received with SharedSecrets masked (the first "
        "kilobyte only while the sender is unknown)"
    )
    size = models.PositiveIntegerField(null=True, blank=True, help_text="bytes received")
    body_digest = models.CharField(
        max_length=64, blank=True, help_text="HMAC-SHA256 of the exact bytes received"
    )
    answer = models.BinaryField(
        blank=True, default=b"", help_text="the cXML Response we answered a request with"
    )
    repairs = models.TextField(
        blank=True, help_text="what lenient reading repaired to read it, one per line"
    )
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

    def save(self, *args: Any, **kwargs: Any) -> None:
        """Inbound bytes are masked here, so no path can store a partner's secret."""
        if self.direction == Direction.INBOUND:
            self.raw = redact_secrets(bytes(self.raw))
        super().save(*args, **kwargs)

    @property
    def answer_text(self) -> str:
        return bytes(self.answer).decode("utf-8", errors="replace")

    @property
    def text(self) -> str:
        """The document for people to read (escaped by the template), its SharedSecrets
        redacted: the stored bytes may keep them, no page shows them."""
        return redact_secrets(bytes(self.raw)).decode("utf-8", errors="replace")
