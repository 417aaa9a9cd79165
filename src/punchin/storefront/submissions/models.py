"""A Punch-in submission is a state machine in one table (docs/style.md section 6).

Every move goes through ``PunchInSubmission.move``, which hands it to ``MACHINE``
(``punchin.web.statemachine``): a conditional UPDATE on the state and attempt count
the caller saw, so two browser tabs (or two processes) can never send the same
attempt twice: exactly one of them wins the move.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone

from punchin.storefront.accounts.models import BusinessAccount, BuyingGroup
from punchin.storefront.cart.models import DeliverySpeed, PaymentMethod
from punchin.storefront.documents.models import CxmlDocument
from punchin.web.inserts import PreparedInserts
from punchin.web.statemachine import Machine


class Poom(PreparedInserts):
    """A PunchOutOrderMessage behind its PoomUrl (P5, P18, P19).

    ``token`` is ``secrets.token_urlsafe(32)``: 256 random bits, the URL's only
    protection. The URL answers until ``expires_at``, which each send renews (P19:
    fetched within one minute of the request).
    """

    token = models.CharField(max_length=64, unique=True)
    document = models.OneToOneField(CxmlDocument, on_delete=models.PROTECT, related_name="poom")
    expires_at = models.DateTimeField()
    fetch_count = models.PositiveIntegerField(default=0)
    last_fetched_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"PoomUrl for {self.document.payload_id}"


class State(models.TextChoices):
    QUEUED = "queued", "Ready to send"
    SENDING = "sending", "Sending to your purchasing system"
    RETRYING = "retrying", "Retrying"
    ACCEPTED = "accepted", "Accepted: continue in your purchasing system"
    REFUSED = "refused", "Refused by your purchasing system"
    FAILED = "failed", "Could not reach your purchasing system"


# (from, to): why. Nothing leaves ACCEPTED, REFUSED or FAILED.
TRANSITIONS: dict[tuple[State, State], str] = {
    (State.QUEUED, State.SENDING): "the first attempt posts the setup request",
    (State.RETRYING, State.SENDING): "the next attempt is due",
    (State.SENDING, State.SENDING): "an attempt takes over one whose lease ran out",
    (State.SENDING, State.ACCEPTED): "the purchasing system answered 200 with a StartPage",
    (State.SENDING, State.REFUSED): "a permanent answer (400, 403, ...): no retry",
    (State.SENDING, State.RETRYING): "a transient failure with attempts left",
    (State.SENDING, State.FAILED): "a transient failure and no attempt left",
}
MACHINE = Machine(State, TRANSITIONS, noun="the submission")
FINAL = frozenset({State.ACCEPTED, State.REFUSED, State.FAILED})


class Approval(models.TextChoices):
    """P8: what the buyer's e-procurement system decided (StatusUpdateRequest)."""

    PENDING = "pending", "Awaiting approval"
    APPROVED = "approved", "Approved"
    REJECTED = "rejected", "Rejected"


class PunchInSubmission(PreparedInserts):
    """A cart submitted for approval in the buyer's e-procurement system (P3, P4)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT)
    account = models.ForeignKey(BusinessAccount, on_delete=models.PROTECT)
    group = models.ForeignKey(BuyingGroup, on_delete=models.PROTECT)
    delivery_address = models.TextField()
    payment_method = models.CharField(max_length=16, choices=PaymentMethod.choices)
    delivery_speed = models.CharField(max_length=16, choices=DeliverySpeed.choices)
    total = models.DecimalField(max_digits=14, decimal_places=2)
    currency = models.CharField(max_length=3)
    # P15: the setup request and its POOM share one payloadID, unique per request.
    payload_id = models.CharField(max_length=255, unique=True)
    poom = models.OneToOneField(Poom, on_delete=models.PROTECT, related_name="submission")
    setup_request = models.OneToOneField(
        CxmlDocument, on_delete=models.PROTECT, related_name="submission"
    )
    endpoint_url = models.URLField(max_length=500)
    state = models.CharField(max_length=16, choices=State.choices, default=State.QUEUED)
    attempts = models.PositiveSmallIntegerField(default=0)
    max_attempts = models.PositiveSmallIntegerField()
    next_attempt_at = models.DateTimeField()
    lease_until = models.DateTimeField(null=True, blank=True)
    start_page_url = models.URLField(max_length=2000, blank=True)
    message = models.TextField(blank=True, help_text="what the buyer is told")
    approval = models.CharField(max_length=16, choices=Approval.choices, default=Approval.PENDING)
    approval_note = models.TextField(
        blank=True, help_text="who decided and the approver's comments, for the buyer"
    )
    approval_at = models.DateTimeField(null=True, blank=True)
    # The StatusUpdateRequest itself: its Status code and text are protocol detail,
    # shown in the document view, not in the note.
    approval_document = models.ForeignKey(
        CxmlDocument,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="decided_submissions",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ("-created_at",)
        indexes = (models.Index(fields=("user", "-created_at")),)

    def __str__(self) -> str:
        return f"submission {self.pk} {self.state}"

    @property
    def is_final(self) -> bool:
        return self.state in FINAL

    def move(self, to: State, **fields: Any) -> bool:
        """Move to ``to`` if nobody moved this submission since we read it.

        Raises ``InvalidTransition`` for a move the table forbids; returns False if
        another request won the race (the row changed under us), True otherwise.
        Synchronous, so a caller can make it one statement of a larger transaction.
        """
        return MACHINE.move(
            {"pk": self.pk, "attempts": self.attempts},
            (self.state,),
            to,
            what=f"submission {self.pk}",
            instance=self,
            **fields,
            updated_at=timezone.now(),
        )


class Attempt(PreparedInserts):
    """One POST of the setup request and what came back (or why nothing did)."""

    submission = models.ForeignKey(
        PunchInSubmission, on_delete=models.CASCADE, related_name="attempt_log"
    )
    number = models.PositiveSmallIntegerField()
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    http_status = models.PositiveSmallIntegerField(null=True, blank=True)
    status_code = models.PositiveIntegerField("cXML Status code", null=True, blank=True)
    status_text = models.CharField(max_length=255, blank=True)
    error = models.TextField(blank=True)
    response = models.OneToOneField(
        CxmlDocument, null=True, blank=True, on_delete=models.PROTECT, related_name="attempt"
    )

    class Meta:
        ordering = ("submission", "number")
        constraints = (
            models.UniqueConstraint(fields=("submission", "number"), name="one_row_per_attempt"),
        )
