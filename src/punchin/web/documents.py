"""The audit trail of cXML documents, as an abstract model each party makes concrete.

Invariant (docs/architecture.md, "The audit trail"): every inbound document is stored
before it is acted on and every outbound one before it is sent; the outcome is filled
in afterwards. Every document is kept with its SharedSecrets masked (inbound ones
beside a keyed digest of the exact bytes received); an outbound one also keeps the
secrets it carried, encrypted, so that the exact bytes sent can be sent again
(``sent``: the PoomUrl serves them, a setup request is retried with them).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from datetime import timedelta
from typing import Any

from django.apps.registry import Apps
from django.db import migrations, models
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.models import QuerySet
from django.utils import timezone

from punchin.web.encryption import require_keys
from punchin.web.encryption.fields import EncryptedTextField
from punchin.web.inserts import PreparedInserts

_SECRET_OPEN = b"<SharedSecret"
_SECRET_CLOSE = b"</SharedSecret"
REDACTED = b"***"


def split_secrets(raw: bytes) -> tuple[bytes, list[bytes]]:
    """``raw`` with the content of every SharedSecret element replaced by ``***``, and
    the contents replaced, in order (``join_secrets`` puts them back).

    A plain scan, linear in the body even when it is hostile (no backtracking regular
    expression). An element left open runs to the end of the body.
    """
    if _SECRET_OPEN not in raw:
        return raw, []
    out: list[bytes] = []
    secrets: list[bytes] = []
    position = 0
    while (start := raw.find(_SECRET_OPEN, position)) != -1:
        tag_end = raw.find(b">", start)
        if tag_end == -1:
            break
        out.append(raw[position : tag_end + 1])
        out.append(REDACTED)
        close = raw.find(_SECRET_CLOSE, tag_end)
        secrets.append(raw[tag_end + 1 : close if close != -1 else len(raw)])
        if close == -1:
            return b"".join(out), secrets
        position = close
    out.append(raw[position:])
    return b"".join(out), secrets


def join_secrets(masked: bytes, secrets: list[bytes]) -> bytes:
    """The bytes ``split_secrets`` split into ``masked`` and ``secrets``, exactly.

    The same scan finds the same elements in the masked bytes: a masked content
    (``***``) holds no ``<`` and the bytes around it are the original ones.
    """
    if not secrets:
        return masked
    out: list[bytes] = []
    position = 0
    for secret in secrets:
        start = masked.find(_SECRET_OPEN, position)
        tag_end = masked.find(b">", start) if start != -1 else -1
        if tag_end == -1 or masked[tag_end + 1 : tag_end + 1 + len(REDACTED)] != REDACTED:
            raise ValueError("the masked document does not match its secrets")
        out.append(masked[position : tag_end + 1])
        out.append(secret)
        position = tag_end + 1 + len(REDACTED)
    out.append(masked[position:])
    return b"".join(out)


def redact_secrets(raw: bytes) -> bytes:
    """``raw`` with the content of every SharedSecret element replaced by ``***``.

    The audit trail is a log, and secrets are never logged: an admin reading a
    PunchOutSetupRequest must not learn the store's SharedSecret.
    """
    return split_secrets(raw)[0]


def _kept(secrets: list[bytes]) -> str:
    """The form ``masked_secrets`` keeps secrets in (latin-1 keeps any byte)."""
    return json.dumps([secret.decode("latin-1") for secret in secrets])


def _unkept(kept: str) -> list[bytes]:
    return [secret.encode("latin-1") for secret in json.loads(kept)] if kept else []


def masking(app_label: str) -> migrations.RunPython:
    """The data migration of a party's log to masked documents: the SharedSecrets of
    rows written before are masked, an outbound row's kept encrypted; backwards, put
    back in place."""

    def rows(apps: Apps) -> Iterator[tuple[QuerySet[Any], int, str, bytes, str]]:
        model = apps.get_model(app_label, "CxmlDocument")
        columns = ("pk", "direction", "raw", "masked_secrets")
        last = 0
        while batch := list(
            model.objects.filter(pk__gt=last).order_by("pk").values_list(*columns)[:100]
        ):
            for pk, direction, raw, kept in batch:
                yield model.objects.filter(pk=pk), direction, bytes(raw), kept
            last = batch[-1][0]

    def forward(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
        for row, direction, raw, _ in rows(apps):
            masked, secrets = split_secrets(raw)
            if masked == raw:
                continue
            if direction == Direction.OUTBOUND:
                require_keys()
                row.update(raw=masked, masked_secrets=_kept(secrets))
            else:
                row.update(raw=masked)

    def backward(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
        for row, _, raw, kept in rows(apps):
            if kept:
                row.update(raw=join_secrets(raw, _unkept(kept)), masked_secrets="")

    return migrations.RunPython(forward, backward)


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


class CxmlDocumentBase(PreparedInserts):
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
        help_text="as sent or received, with SharedSecrets masked (the first kilobyte "
        "only while the sender is unknown)"
    )
    masked_secrets = EncryptedTextField(
        blank=True,
        default="",
        editable=False,
        help_text="outbound: the SharedSecrets masked in raw, in order (encrypted)",
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
        """Secrets are masked here, so no path can store one in clear (docs/security.md
        row 28). Bytes already masked stay as they are, with the secrets kept for them:
        an outbound row is written once and its outcome filled in afterwards."""
        raw = bytes(self.raw)
        masked, secrets = split_secrets(raw)
        if masked != raw:
            self.raw = masked
            if self.direction == Direction.OUTBOUND:
                self.masked_secrets = _kept(secrets)
        super().save(*args, **kwargs)

    @property
    def sent(self) -> bytes:
        """The exact bytes of an outbound document: its secrets back in place."""
        return join_secrets(bytes(self.raw), _unkept(self.masked_secrets))

    @property
    def answer_text(self) -> str:
        return bytes(self.answer).decode("utf-8", errors="replace")

    @property
    def text(self) -> str:
        """The document for people to read (escaped by the template), its SharedSecrets
        redacted: masked as stored, and again here whatever wrote the row."""
        return redact_secrets(bytes(self.raw)).decode("utf-8", errors="replace")
