"""The PunchOut catalog (which suppliers requesters can shop at) and its sessions."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from punchin.cxml.buyer import Operation as CxmlOperation
from punchin.procurement.partners.models import SupplierPartner
from punchin.procurement.requisitions.models import Requisition
from punchin.web.statemachine import Machine


class Protocol(models.TextChoices):
    """How a session is started and the cart comes back."""

    CXML = "cxml", "cXML PunchOut"
    OCI = "oci", "OCI (SAP's Open Catalog Interface)"


class OciVersion(models.TextChoices):
    """The OCI_VERSION a catalog call says (docs/oci.md)."""

    V4 = "4.0", "OCI 4.0"
    V5 = "5.0", "OCI 5.0"


class PunchOutSupplier(models.Model):
    """A supplier partner requesters can shop at. Who we say we are (buyer identity),
    the SharedSecret and the HTTP authentication its endpoints expect are the
    partner's own fields, shared with the purchase orders we send it."""

    partner = models.OneToOneField(
        SupplierPartner, on_delete=models.CASCADE, related_name="punchout"
    )
    setup_url = models.URLField(
        "setup URL", max_length=500, help_text="where the PunchOutSetupRequest is posted"
    )
    protocol = models.CharField(max_length=8, choices=Protocol.choices, default=Protocol.CXML)
    oci_version = models.CharField(
        "OCI version",
        max_length=8,
        choices=OciVersion.choices,
        default=OciVersion.V4,
        help_text="OCI only: the OCI_VERSION the catalog expects",
    )
    enabled = models.BooleanField(default=False, help_text="listed on Shop at suppliers")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "PunchOut supplier"
        ordering = ("partner__name",)

    def __str__(self) -> str:
        return str(self.partner)


class Operation(models.TextChoices):
    CREATE = CxmlOperation.CREATE.value, "Shop"
    EDIT = CxmlOperation.EDIT.value, "Edit the cart"
    INSPECT = CxmlOperation.INSPECT.value, "View the cart"


class State(models.TextChoices):
    STARTING = "starting", "Starting"
    SHOPPING = "shopping", "Shopping at the supplier"
    REFUSED = "refused", "Refused by the supplier"
    RETURNED = "returned", "Cart returned"


# Every legal move of a session, with why it happens (docs/style.md section 6).
TRANSITIONS: dict[tuple[str, str], str] = {
    (State.STARTING, State.SHOPPING): "the supplier answered with a StartPage",
    (State.STARTING, State.REFUSED): "the supplier refused the session or could not be reached",
    (State.SHOPPING, State.RETURNED): "the user's browser brought the cart back",
}
MACHINE = Machine(State, TRANSITIONS, noun="the PunchOut session")


class PunchOutSession(models.Model):
    """One visit to a supplier's shop, from the setup request to the cart's return.

    The BuyerCookie travels to the supplier and back in the cart; the token is in the
    BrowserFormPost URL and only its SHA-256 is kept here. A cart is accepted once,
    for this session's user, before ``expires_at`` (docs/punchout.md). An OCI session
    (docs/oci.md) has the token in its HOOK_URL; its BuyerCookie never leaves here, and
    ``setup_payload_id`` names the logged catalog call.
    """

    supplier = models.ForeignKey(
        PunchOutSupplier, on_delete=models.PROTECT, related_name="sessions"
    )
    protocol = models.CharField(max_length=8, choices=Protocol.choices, default=Protocol.CXML)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="punchout_sessions"
    )
    operation = models.CharField(max_length=8, choices=Operation.choices)
    requisition = models.ForeignKey(
        Requisition,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="punchout_sessions",
        help_text="the requisition edited or viewed; for a new cart, the one it became",
    )
    buyer_cookie = models.CharField(max_length=64, unique=True)
    token_digest = models.CharField(max_length=64, unique=True)
    setup_payload_id = models.CharField(
        max_length=255, unique=True, help_text="payloadID of our PunchOutSetupRequest"
    )
    state = models.CharField(max_length=16, choices=State.choices, default=State.STARTING)
    message = models.TextField(blank=True, help_text="what the supplier answered")
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    returned_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "PunchOut session"
        ordering = ("-created_at",)

    def __str__(self) -> str:
        return f"{self.get_operation_display()} at {self.supplier} for {self.user}"
