"""Outbound deliveries and every attempt to make them (docs/security.md row 20: every attempt
recorded). The document's exact bytes are stored once and sent unchanged on every
attempt, so the partner sees the same payloadID each time and can deduplicate. They
carry our SharedSecret, so they are stored encrypted (docs/security.md row 28).
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone

from punchin.web.documents import redact_secrets
from punchin.web.encryption.fields import EncryptedBinaryField

from .states import State


class OutboundDelivery(models.Model):
    """One cXML document on its way to a partner, and where it stands."""

    payload_id = models.CharField(max_length=255, unique=True)
    document_type = models.CharField(max_length=64)
    partner_key = models.CharField(max_length=255, db_index=True)
    partner_name = models.CharField(
        max_length=255, blank=True, help_text="the partner's name when queued, for staff pages"
    )
    url = models.CharField(max_length=2048)
    raw = EncryptedBinaryField(help_text="the exact bytes sent on every attempt (encrypted)")
    reason = models.CharField(max_length=255, blank=True, help_text="why it was sent")
    state = models.CharField(max_length=16, choices=State.choices, default=State.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    lease_until = models.DateTimeField(
        null=True, blank=True, help_text="while sending: when another worker may take over"
    )
    horizon_start = models.DateTimeField(
        default=timezone.now, help_text="transient failures are retried for the horizon from here"
    )
    task_id = models.UUIDField(null=True, blank=True, help_text="the latest queued task")
    last_status_code = models.PositiveIntegerField(null=True, blank=True)
    last_status_text = models.CharField(max_length=255, blank=True)
    last_error = models.TextField(blank=True)
    answer = models.BinaryField(default=b"", blank=True, help_text="the partner's last answer")
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ("-created_at",)
        verbose_name_plural = "outbound deliveries"
        indexes = [models.Index(fields=["state", "next_attempt_at"], name="delivery_due_idx")]

    def __str__(self) -> str:
        return f"{self.document_type} {self.payload_id} to {self.partner}: {self.state}"

    @property
    def partner(self) -> str:
        """Who the document goes to, as staff know them: the name given at enqueue
        time, else the key (an internal id that means nothing to a reader)."""
        return self.partner_name or self.partner_key

    @property
    def text(self) -> str:
        """The document for staff to read: its SharedSecrets redacted, since the staff
        pages and the admin are no place for the partner's password."""
        return redact_secrets(bytes(self.raw)).decode("utf-8", errors="replace")

    @property
    def answer_text(self) -> str:
        return bytes(self.answer).decode("utf-8", errors="replace")


class Outcome(models.TextChoices):
    IN_FLIGHT = "in_flight", "In flight"
    DELIVERED = "delivered", "Delivered"
    RETRY = "retry", "Transient failure"
    FAILED = "failed", "Permanent failure"
    LOST = "lost", "Worker lost"


class DeliveryAttempt(models.Model):
    """One send: recorded as in flight before the request leaves, completed after.

    An attempt still in flight when another worker takes the delivery over belonged to
    a worker that died mid-send; it is kept, marked lost, because the partner may have
    received it.
    """

    delivery = models.ForeignKey(
        OutboundDelivery, on_delete=models.CASCADE, related_name="attempt_set"
    )
    number = models.PositiveIntegerField()
    worker = models.CharField(max_length=128, blank=True)
    started_at = models.DateTimeField()
    elapsed = models.FloatField(null=True, blank=True, help_text="seconds")
    outcome = models.CharField(max_length=16, choices=Outcome.choices, default=Outcome.IN_FLIGHT)
    http_status = models.PositiveIntegerField(null=True, blank=True)
    status_code = models.PositiveIntegerField(null=True, blank=True, help_text="cXML Status")
    status_text = models.CharField(max_length=255, blank=True)
    error = models.TextField(blank=True)
    answer = models.BinaryField(default=b"", blank=True)

    class Meta:
        ordering = ("delivery", "number")
        constraints = [
            models.UniqueConstraint(fields=["delivery", "number"], name="delivery_attempt_number")
        ]

    def __str__(self) -> str:
        return f"attempt {self.number} of {self.delivery_id}: {self.outcome}"

    @property
    def answer_text(self) -> str:
        return bytes(self.answer).decode("utf-8", errors="replace")
