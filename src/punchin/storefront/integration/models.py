"""The purchasing system a business account punches in to, and how to reach it."""

from __future__ import annotations

from urllib.parse import urlsplit

from django.db import models
from django.utils import timezone

from punchin.cxml.formpost import BASE64, URLENCODED
from punchin.storefront.accounts.models import BusinessAccount
from punchin.web.encryption.fields import EncryptedTextField
from punchin.web.inbound import reading_policy_field
from punchin.web.peers import omit_optional_field


class SystemKind(models.TextChoices):
    """P9: "pick the purchasing system (Ariba, Coupa, Precoro, Onventis, iCompleat, ...
    or another)". The choice labels the integration; the protocol is the same cXML."""

    ARIBA = "ariba", "SAP Ariba"
    COUPA = "coupa", "Coupa"
    PRECORO = "precoro", "Precoro"
    ONVENTIS = "onventis", "Onventis"
    ICOMPLEAT = "icompleat", "iCompleat"
    CLICKAPPORTER = "clickapporter", "ClickApporter"
    NB_SOLUTION = "nb-solution", "NB Solution"
    # This project's own e-procurement party: what ``punchin demo`` connects the store to.
    PUNCHIN = "punchin", "punchin procurement"
    OTHER = "other", "Other cXML"


class AuthScheme(models.TextChoices):
    """P10's three HTTP authentication schemes."""

    BASIC = "basic", "Basic (user ID and password)"
    CERTIFICATE = "certificate", "Client certificate"
    BEARER = "bearer", "Bearer token"


class DeploymentMode(models.TextChoices):
    TEST = "test", "Test"
    PRODUCTION = "production", "Production"


class CartField(models.TextChoices):
    """P33: the form field the cart goes back to the purchasing system in."""

    URLENCODED = URLENCODED, "cxml-urlencoded: the document as text (the usual choice)"
    BASE64 = BASE64, "cxml-base64: the document in Base64 (for systems that ask for it)"


class PurchasingSystem(models.Model):
    """One per account (P13: Punch-in needs the account's integration to exist).

    The secrets are stored because we must present them to the partner (or compare
    what it presents), so they are encrypted (docs/security.md row 28); they are never
    shown back on a page, never logged, and the admin hides them.
    """

    account = models.OneToOneField(
        BusinessAccount, on_delete=models.CASCADE, related_name="purchasing_system"
    )
    system = models.CharField(max_length=16, choices=SystemKind.choices)
    endpoint_url = models.URLField("Punch-in endpoint URL", max_length=500)
    auth_scheme = models.CharField(max_length=16, choices=AuthScheme.choices)
    basic_user = models.CharField("User ID", max_length=200, blank=True)
    basic_password = EncryptedTextField("Password", max_length=500, blank=True)
    bearer_token = EncryptedTextField(max_length=2000, blank=True)
    client_cert_file = models.CharField(max_length=500, blank=True, editable=False)
    client_key_file = models.CharField(max_length=500, blank=True, editable=False)
    credential_domain = models.CharField(max_length=64, default="NetworkID")
    from_identity = models.CharField("From identity", max_length=200)
    to_identity = models.CharField("To identity", max_length=200)
    sender_identity = models.CharField("Sender identity", max_length=200)
    shared_secret = EncryptedTextField("SharedSecret", max_length=500)
    deployment_mode = models.CharField(
        max_length=16, choices=DeploymentMode.choices, default=DeploymentMode.TEST
    )
    # P8: the purchasing system writes back (StatusUpdateRequest, OrderRequest). It
    # authenticates with its own Sender credential; the demo seeds both directions
    # with the same SharedSecret, so blank fields mean "the same as outbound".
    inbound_identity = models.CharField(
        "Purchasing system's Sender identity",
        max_length=200,
        blank=True,
        help_text="blank: the To identity",
    )
    inbound_shared_secret = EncryptedTextField(
        "Purchasing system's SharedSecret",
        max_length=500,
        blank=True,
        help_text="blank: the same SharedSecret as above",
    )
    # Changing the SharedSecret the purchasing system presents without a gap: the one it
    # presented before stays accepted until the end of the window the admin sets.
    previous_inbound_shared_secret = EncryptedTextField(blank=True, editable=False)
    previous_valid_until = models.DateTimeField(
        "Keep accepting the previous SharedSecret until",
        null=True,
        blank=True,
        help_text="UTC; when its SharedSecret changes, the purchasing system may "
        "present the old one until then; blank: the old one stops at once",
    )
    # Where order documents go (ConfirmationRequest, ShipNoticeRequest,
    # InvoiceDetailRequest); blank: the Punch-in endpoint's origin + DEFAULT_PATHS.
    reading_policy = reading_policy_field()
    omit_optional_elements = omit_optional_field()
    confirmation_url = models.URLField("ConfirmationRequest URL", max_length=500, blank=True)
    ship_notice_url = models.URLField("ShipNoticeRequest URL", max_length=500, blank=True)
    invoice_url = models.URLField("InvoiceDetailRequest URL", max_length=500, blank=True)
    # Classic PunchOut (P26-P33): the system opens sessions here with its inbound
    # credentials above; the cart goes back through the buyer's browser.
    punchout_creates_users = models.BooleanField(
        "Create PunchOut users on their first visit",
        default=False,
        help_text="a buyer your purchasing system sends who has no sign-in here yet gets "
        "one, in your group with Punchout user access",
    )
    punchout_cart_field = models.CharField(
        "How the cart goes back",
        max_length=16,
        choices=CartField.choices,
        default=CartField.URLENCODED,
    )
    # OCI (docs/oci.md): the catalog login the purchasing system opens the shop with.
    # The password is only ever checked, so only its hash is kept (Django's hasher).
    oci_username = models.CharField(
        "OCI catalog user name",
        max_length=200,
        blank=True,
        help_text="USERNAME in your purchasing system's catalog call; blank: no OCI",
    )
    oci_password = models.CharField(
        "OCI catalog password", max_length=128, blank=True, editable=False
    )
    updated_at = models.DateTimeField(auto_now=True)

    DEFAULT_PATHS = {
        "confirmation_url": "/cxml/confirmation",
        "ship_notice_url": "/cxml/shipnotice",
        "invoice_url": "/cxml/invoice",
    }

    class Meta:
        constraints = [
            # The catalog call names the system by its user name alone.
            models.UniqueConstraint(
                fields=("oci_username",),
                condition=~models.Q(oci_username=""),
                name="one_system_per_oci_username",
                violation_error_message="Another purchasing system uses this OCI user name.",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_system_display()} for {self.account}"

    @property
    def expected_sender(self) -> str:
        return self.inbound_identity or self.to_identity

    @property
    def expected_secret(self) -> str:
        return self.inbound_shared_secret or self.shared_secret

    def accepted_secrets(self) -> list[str]:
        """What the purchasing system may present: the expected SharedSecret, and the
        previous one until ``previous_valid_until``."""
        accepted = [self.expected_secret]
        previous = self.previous_inbound_shared_secret
        window = self.previous_valid_until
        if previous and previous != self.expected_secret and window and timezone.now() < window:
            accepted.append(previous)
        return accepted

    def document_url(self, field: str) -> str:
        """The configured URL of ``field`` (one of DEFAULT_PATHS), or its default."""
        configured: str = getattr(self, field)
        if configured:
            return configured
        parts = urlsplit(self.endpoint_url)
        return f"{parts.scheme}://{parts.netloc}{self.DEFAULT_PATHS[field]}"
