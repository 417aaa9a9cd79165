"""One row per (partner, payloadID): the idempotency record of docs/security.md row 11."""

from __future__ import annotations

from django.db import models

from punchin.procurement.partners.models import SupplierPartner


class State(models.TextChoices):
    PROCESSING = "processing", "Processing"
    ANSWERED = "answered", "Answered"


class PunchInRequest(models.Model):
    """A PunchOutSetupRequest we accepted for processing, and the answer we gave.

    The unique constraint is what makes a payloadID count once, however many copies
    arrive and however many server processes receive them: the first insert claims
    it, every other copy reads the stored answer (P15, docs/security.md row 11).
    """

    partner = models.ForeignKey(
        SupplierPartner, on_delete=models.PROTECT, related_name="punchin_requests"
    )
    payload_id = models.CharField(max_length=255)
    body_sha256 = models.CharField(max_length=64)
    state = models.CharField(max_length=16, choices=State.choices, default=State.PROCESSING)
    answer = models.BinaryField(blank=True, default=b"")
    answer_http_status = models.PositiveSmallIntegerField(null=True, blank=True)
    requisition = models.OneToOneField(
        "procurement_requisitions.Requisition",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="punchin_request",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "Punch-in request"
        constraints = [
            models.UniqueConstraint(
                fields=("partner", "payload_id"), name="one_punchin_per_payload"
            )
        ]

    def __str__(self) -> str:
        return f"{self.partner} {self.payload_id} ({self.state})"
