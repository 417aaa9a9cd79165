"""A PunchOut session: opened by the purchasing system, shopped in by its user, ended
when the cart goes back (docs/protocol.md P26-P34).

Its state moves only through ``MACHINE`` (``punchin.web.statemachine``): a conditional
UPDATE, so of two browser tabs using the StartPage, or transferring the cart, exactly
one wins.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models

from punchin.storefront.documents.models import CxmlDocument
from punchin.storefront.integration.models import PurchasingSystem, SystemKind
from punchin.web.statemachine import Machine


class Operation(models.TextChoices):
    """P26, P31: what the session was opened for."""

    CREATE = "create", "a new cart"
    EDIT = "edit", "changing an earlier cart"
    INSPECT = "inspect", "viewing an earlier cart"


class Protocol(models.TextChoices):
    """How the session was opened and how its cart goes back."""

    CXML = "cxml", "cXML PunchOut"
    OCI = "oci", "OCI"


class State(models.TextChoices):
    OPEN = "open", "Waiting for the buyer"
    SHOPPING = "shopping", "Shopping"
    TRANSFERRED = "transferred", "Cart transferred"
    CANCELLED = "cancelled", "Cancelled"


# (from, to): why. Nothing leaves TRANSFERRED or CANCELLED: the cart went back once.
TRANSITIONS: dict[tuple[State, State], str] = {
    (State.OPEN, State.SHOPPING): "the buyer opened the StartPage (once, before it expired)",
    (State.SHOPPING, State.TRANSFERRED): "the cart went back to the purchasing system",
    (State.SHOPPING, State.CANCELLED): "the buyer cancelled: an empty cart went back",
}
MACHINE = Machine(State, TRANSITIONS, noun="the PunchOut session")
ENDED = frozenset({State.TRANSFERRED, State.CANCELLED})


class PunchOutSession(models.Model):
    """One PunchOutSetupRequest's session (P26), or one OCI catalog call's (whose
    ``browser_form_post_url`` is the HOOK_URL, ``setup_request`` the logged call and
    ``buyer_cookie`` empty): where its cart goes, for whom.

    ``start_digest`` is the SHA-256 of the StartPage token (P30): the token itself is
    only ever in the answer to the purchasing system. ``key`` names the session in the
    URLs of its own pages (transfer, cancel), which only its signed-in user may use.
    """

    system = models.ForeignKey(
        PurchasingSystem, on_delete=models.PROTECT, related_name="punchout_sessions"
    )
    protocol = models.CharField(max_length=8, choices=Protocol.choices, default=Protocol.CXML)
    operation = models.CharField(max_length=8, choices=Operation.choices)
    buyer_cookie = models.TextField(help_text="returned with the cart, verbatim")
    browser_form_post_url = models.CharField("BrowserFormPost URL", max_length=2000)
    deployment_mode = models.CharField(max_length=16)
    user_email = models.CharField(max_length=254)
    user_name = models.CharField(max_length=200, blank=True)
    setup_request = models.OneToOneField(
        CxmlDocument, on_delete=models.PROTECT, related_name="punchout_session"
    )
    start_digest = models.CharField(max_length=64, unique=True)
    start_expires_at = models.DateTimeField()
    key = models.CharField(max_length=32, unique=True)
    # P31: the earlier cart the request carried, as [product id, quantity] pairs, and
    # the lines no product of ours matched (shown to the buyer on arrival).
    reopened = models.JSONField(default=list, blank=True)
    unmatched = models.TextField(blank=True)
    state = models.CharField(max_length=16, choices=State.choices, default=State.OPEN)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True
    )
    started_at = models.DateTimeField(null=True, blank=True)
    poom = models.OneToOneField(
        CxmlDocument,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="punchout_cart",
        help_text="the PunchOutOrderMessage the session ended with",
    )
    ended_at = models.DateTimeField(null=True, blank=True)
    # OCI (docs/oci.md): the frame the cart's form targets (~TARGET), and the ~ fields
    # the catalog call carried, sent back with the cart, as [name, value] pairs.
    oci_target = models.CharField("~TARGET", max_length=64, blank=True)
    oci_echo = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("-created_at",)
        verbose_name = "PunchOut session"

    def __str__(self) -> str:
        return f"PunchOut session {self.pk} for {self.system} ({self.state})"

    @property
    def read_only(self) -> bool:
        """P31: an inspected cart is shown, never changed."""
        return self.operation == Operation.INSPECT

    @property
    def system_name(self) -> str:
        """How the pages name the purchasing system: SAP Ariba, Coupa, ..."""
        if self.system.system == SystemKind.OTHER:
            return "your purchasing system"
        return str(self.system.get_system_display())

    def move(self, to: State, **fields: Any) -> bool:
        """Move to ``to`` if nobody moved this session since we read it (False if another
        request won); ``InvalidTransition`` for a move the table forbids."""
        return MACHINE.move(
            PunchOutSession.objects.filter(pk=self.pk),
            (self.state,),
            to,
            what=f"PunchOut session {self.pk}",
            instance=self,
            **fields,
        )
