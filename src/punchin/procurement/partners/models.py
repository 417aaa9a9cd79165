"""Supplier partners and the credentials they punch in with.

No credential is stored in plain text. The ones partners present to us (SharedSecrets,
basic-auth passwords, bearer tokens) are kept as keyed SHA-256 digests
(``credentials.digest``), which is enough because procurement only ever verifies them,
and certificates as pinned SHA-256 fingerprints. The ones we present to them must be
read back, so they are encrypted (``punchin.web.encryption``, docs/security.md row 28).
"""

from __future__ import annotations

from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone

from punchin.procurement.accounts.models import Organisation
from punchin.web.encryption.fields import EncryptedTextField
from punchin.web.inbound import reading_policy_field
from punchin.web.peers import omit_optional_field


class AuthScheme(models.TextChoices):
    """The HTTP authentication a partner must present at the endpoint (P10)."""

    BASIC = "basic", "Basic (user ID + password)"
    BEARER = "bearer", "Bearer token"
    CERTIFICATE = "certificate", "Client certificate (via the TLS proxy)"


class OutboundAuth(models.TextChoices):
    """The HTTP authentication the supplier's endpoints ask of us (P10)."""

    NONE = "none", "None (the SharedSecret in the document)"
    BASIC = "basic", "Basic (user ID + password)"
    BEARER = "bearer", "Bearer token"


class SupplierPartner(models.Model):
    """A supplier whose stores punch carts into this system."""

    name = models.CharField(max_length=200)
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="supplier_partners",
        help_text="the organisation that manages this partner",
    )
    active = models.BooleanField(default=True)
    credential_domain = models.CharField(max_length=100, default="NetworkID")
    from_identity = models.CharField(
        max_length=255, blank=True, help_text="Header/From identity; blank accepts any"
    )
    sender_identity = models.CharField(
        max_length=255, help_text="Header/Sender identity; finds the partner"
    )
    auth_scheme = models.CharField(max_length=16, choices=AuthScheme.choices)
    reading_policy = reading_policy_field()
    omit_optional_elements = omit_optional_field()
    basic_user_id = models.CharField(max_length=150, blank=True)
    basic_password_digest = models.CharField(max_length=64, blank=True, editable=False)
    bearer_token_digest = models.CharField(max_length=64, blank=True, editable=False)
    allowed_poom_hosts = models.TextField(
        blank=True,
        help_text=(
            "where a PoomUrl (the cart's URL) may point: host or host:port, one per line; "
            "without a port only the default (443 for https)"
        ),
    )
    status_update_url = models.URLField(
        blank=True,
        help_text="where StatusUpdateRequests (approved or rejected) go, e.g. <store>/cxml/status",
    )
    order_url = models.URLField(
        blank=True, help_text="where OrderRequests (purchase orders) go, e.g. <store>/cxml/order"
    )
    # Writing back to the supplier (P8): who we say we are, the SharedSecret the store
    # expects from us, and the HTTP authentication its endpoints ask for. Encrypted,
    # since we must present them; never shown back in forms, and read only at send
    # time by the delivery resolver (partners.delivery).
    buyer_identity = models.CharField(
        max_length=255, blank=True, help_text="our identity in From and Sender when we write"
    )
    outbound_shared_secret = EncryptedTextField(
        max_length=255, blank=True, help_text="the SharedSecret the store expects from us"
    )
    outbound_auth_scheme = models.CharField(
        max_length=16, choices=OutboundAuth.choices, default=OutboundAuth.NONE
    )
    outbound_user_id = models.CharField(max_length=150, blank=True)
    outbound_password = EncryptedTextField(max_length=255, blank=True)
    outbound_bearer_token = EncryptedTextField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("name",)
        constraints = [
            # One partner per Sender credential, so a lookup never has to pick
            # (docs/security.md row 10).
            models.UniqueConstraint(
                Lower("credential_domain"), "sender_identity", name="one_partner_per_sender"
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def to_identity(self) -> str:
        """The supplier's identity in the To of the documents we send it."""
        return self.from_identity or self.sender_identity

    @property
    def allowed_hosts(self) -> list[str]:
        return [h.strip().lower() for h in self.allowed_poom_hosts.splitlines() if h.strip()]


class SharedSecret(models.Model):
    """One store's SharedSecret (P16): it also says which organisation the buyer is in.

    A store changes its secret without a gap: the admin adds the new one for the same
    organisation and gives the old one a ``valid_until``; both are accepted until then.
    """

    partner = models.ForeignKey(
        SupplierPartner, on_delete=models.CASCADE, related_name="shared_secrets"
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="shared_secrets"
    )
    label = models.CharField(max_length=200, blank=True, help_text="e.g. the store's name")
    digest = models.CharField(max_length=64, editable=False)
    valid_until = models.DateTimeField(
        null=True,
        blank=True,
        help_text="accepted until then (UTC), while the store switches to its new "
        "SharedSecret; blank: no end",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=("partner", "digest"), name="one_secret_per_store")
        ]

    def __str__(self) -> str:
        return f"{self.partner}: {self.label or self.organisation}"

    @property
    def expired(self) -> bool:
        return self.valid_until is not None and self.valid_until <= timezone.now()


class CertificatePin(models.Model):
    """A client certificate the partner may present, by SHA-256 fingerprint."""

    partner = models.ForeignKey(
        SupplierPartner, on_delete=models.CASCADE, related_name="certificate_pins"
    )
    sha256 = models.CharField(
        max_length=64, help_text="SHA-256 of the certificate's DER bytes, hex"
    )
    label = models.CharField(max_length=200, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=("partner", "sha256"), name="one_pin_per_certificate")
        ]

    def __str__(self) -> str:
        return f"{self.label or 'certificate'} {self.sha256[:16]}..."
