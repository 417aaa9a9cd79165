"""Each organisation's identity provider, and who signed in through which one."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models

from punchin.procurement.accounts.models import Organisation
from punchin.web.encryption.fields import EncryptedTextField


class Protocol(models.TextChoices):
    OIDC = "oidc", "OpenID Connect"
    SAML = "saml", "SAML 2.0"


# What each protocol calls the facts we read, when the configuration leaves them blank.
DEFAULT_CLAIMS = {
    Protocol.OIDC: {"email": "email", "first_name": "given_name", "last_name": "family_name"},
    Protocol.SAML: {"email": "mail", "first_name": "givenName", "last_name": "sn"},
}


def split_list(text: str) -> list[str]:
    """A comma- or line-separated setting as its items."""
    return [item.strip() for item in text.replace("\n", ",").split(",") if item.strip()]


class IdentityProvider(models.Model):
    """How one organisation's people sign in: its OpenID provider or SAML IdP.

    Only addresses in ``email_domains`` are accepted from the provider, and each
    domain belongs to one organisation, so one organisation's provider can never
    vouch for another organisation's people (docs/security.md row 33).
    """

    organisation = models.OneToOneField(
        Organisation, on_delete=models.CASCADE, related_name="identity_provider"
    )
    protocol = models.CharField(max_length=4, choices=Protocol.choices)
    enabled = models.BooleanField(
        default=True, help_text="when on, Punch-in sends buyers through this provider"
    )
    display_name = models.CharField(
        max_length=100, blank=True, help_text="shown on the button, e.g. 'Acme Okta'"
    )
    email_domains = models.TextField(
        help_text="comma-separated domains whose people sign in here, e.g. acme.example"
    )
    # OpenID Connect
    issuer = models.URLField(
        blank=True, help_text="the issuer; its /.well-known/openid-configuration is read"
    )
    client_id = models.CharField(max_length=255, blank=True)
    # Encrypted at rest like every secret we present (docs/security.md row 28).
    client_secret = EncryptedTextField(max_length=255, blank=True)
    # SAML 2.0
    saml_metadata = models.TextField(
        blank=True, help_text="the IdP's metadata XML (EntityDescriptor with its signing key)"
    )
    # Mapping from the provider's claims or attributes; blank means the usual names.
    email_claim = models.CharField(max_length=255, blank=True)
    first_name_claim = models.CharField(max_length=255, blank=True)
    last_name_claim = models.CharField(max_length=255, blank=True)
    groups_claim = models.CharField(
        max_length=255, blank=True, help_text="claim or attribute listing the person's groups"
    )
    approver_groups = models.CharField(
        max_length=500,
        blank=True,
        help_text="comma-separated groups whose members approve; everyone else requests",
    )

    class Meta:
        ordering = ("organisation__name",)

    def __str__(self) -> str:
        return f"{self.label} ({self.get_protocol_display()})"

    @property
    def label(self) -> str:
        return self.display_name or str(self.organisation)

    @property
    def domains(self) -> list[str]:
        return [domain.lower().lstrip("@") for domain in split_list(self.email_domains)]

    @property
    def approvers(self) -> set[str]:
        """The groups (lower case) whose members approve."""
        return {group.lower() for group in split_list(self.approver_groups)}

    def claim(self, fact: str) -> str:
        """The claim or attribute name for ``fact`` (email, first_name, last_name)."""
        configured: str = getattr(self, f"{fact}_claim")
        return configured or DEFAULT_CLAIMS[Protocol(self.protocol)][fact]

    def clean(self) -> None:
        if not self.domains:
            raise ValidationError({"email_domains": "Name at least one email domain."})
        taken = {
            domain
            for other in IdentityProvider.objects.exclude(pk=self.pk)
            for domain in other.domains
        }.intersection(self.domains)
        if taken:
            raise ValidationError(
                {
                    "email_domains": "Already used by another organisation: "
                    + ", ".join(sorted(taken))
                }
            )
        if self.protocol == Protocol.OIDC:
            missing = [f for f in ("issuer", "client_id", "client_secret") if not getattr(self, f)]
            if missing:
                raise ValidationError(dict.fromkeys(missing, "Required for OpenID Connect."))
            if not self.issuer.startswith("https://") and not settings.PUNCHIN_DEV:
                raise ValidationError({"issuer": "The issuer must be an https URL."})
        if self.protocol == Protocol.SAML and not self.saml_metadata.strip():
            raise ValidationError({"saml_metadata": "Required for SAML 2.0."})


class Identity(models.Model):
    """A person as their provider names them (OIDC ``sub``, SAML NameID), linked to
    our user: the link, not the email, says who signs in (docs/security.md row 33)."""

    provider = models.ForeignKey(
        IdentityProvider, on_delete=models.CASCADE, related_name="identities"
    )
    subject = models.CharField(max_length=255)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="sso_identities"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    last_login_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name_plural = "identities"
        constraints = [
            models.UniqueConstraint(fields=("provider", "subject"), name="one_user_per_subject")
        ]

    def __str__(self) -> str:
        return f"{self.subject} at {self.provider}"
