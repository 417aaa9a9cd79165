from __future__ import annotations

from typing import Any, ClassVar

from django import forms
from django.contrib.auth.hashers import make_password

from punchin.storefront.integration.models import AuthScheme, PurchasingSystem
from punchin.storefront.integration.services import endpoint_problem
from punchin.web.inbound import reading_policy_problem

# Secrets are write-only: left blank, the stored value stays.
_SECRETS = ("basic_password", "bearer_token", "shared_secret", "inbound_shared_secret")
_DOCUMENT_URLS = ("confirmation_url", "ship_notice_url", "invoice_url")


class PurchasingSystemForm(forms.ModelForm):
    """P9, P10: the system, its endpoint, one of three auth schemes, the identities."""

    endpoint_url = forms.URLField(
        label="Punch-in endpoint URL", max_length=500, assume_scheme="https"
    )
    confirmation_url = forms.URLField(
        label="ConfirmationRequest URL", max_length=500, required=False, assume_scheme="https"
    )
    ship_notice_url = forms.URLField(
        label="ShipNoticeRequest URL", max_length=500, required=False, assume_scheme="https"
    )
    invoice_url = forms.URLField(
        label="InvoiceDetailRequest URL", max_length=500, required=False, assume_scheme="https"
    )
    client_certificate = forms.FileField(
        required=False, help_text="PEM file with the client certificate"
    )
    client_key = forms.FileField(required=False, help_text="PEM file with its private key")
    # OCI's password is checked, never presented: the form takes it, the model keeps its
    # hash (docs/oci.md).
    oci_password = forms.CharField(
        label="OCI catalog password",
        required=False,
        max_length=200,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text="PASSWORD in your purchasing system's catalog call",
    )

    class Meta:
        model = PurchasingSystem
        fields = (
            "system",
            "endpoint_url",
            "auth_scheme",
            "basic_user",
            "basic_password",
            "bearer_token",
            "credential_domain",
            "from_identity",
            "to_identity",
            "sender_identity",
            "shared_secret",
            "deployment_mode",
            "inbound_identity",
            "inbound_shared_secret",
            "previous_valid_until",
            "reading_policy",
            "omit_optional_elements",
            *_DOCUMENT_URLS,
            "punchout_creates_users",
            "punchout_cart_field",
            "oci_username",
        )
        widgets: ClassVar[dict[str, Any]] = {
            "system": forms.RadioSelect,
            "auth_scheme": forms.RadioSelect,
            "deployment_mode": forms.RadioSelect,
            "reading_policy": forms.RadioSelect,
            "punchout_cart_field": forms.RadioSelect,
            "basic_password": forms.PasswordInput(attrs={"autocomplete": "new-password"}),
            "bearer_token": forms.PasswordInput(attrs={"autocomplete": "off"}),
            "shared_secret": forms.PasswordInput(attrs={"autocomplete": "off"}),
            "inbound_shared_secret": forms.PasswordInput(attrs={"autocomplete": "off"}),
            "previous_valid_until": forms.DateTimeInput(
                attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"
            ),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("system", "auth_scheme"):  # radio buttons: no "---------" choice
            field = self.fields[name]
            assert isinstance(field, forms.TypedChoiceField)
            field.choices = [choice for choice in field.choices if choice[0]]
        # Absent from an older form's POST: as they were.
        for name in ("reading_policy", "punchout_cart_field"):
            self.fields[name].required = False
        configured = self.instance.pk is not None
        if self.instance.oci_password:
            self.fields["oci_password"].help_text = "Stored. Leave blank to keep it."
        for name in _SECRETS:
            self.fields[name].required = False
            if configured and getattr(self.instance, name):
                self.fields[name].help_text = "Stored. Leave blank to keep it."

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        for name in _SECRETS:
            if not data.get(name):
                data[name] = getattr(self.instance, name, "")
        # A new SharedSecret for the purchasing system: the one it presented so far
        # stays accepted until previous_valid_until, so it can switch without a gap.
        before = self.instance.expected_secret if self.instance.pk else ""
        if before and (data.get("inbound_shared_secret") or data.get("shared_secret")) != before:
            self.instance.previous_inbound_shared_secret = before
        data["reading_policy"] = data.get("reading_policy") or self.instance.reading_policy
        data["punchout_cart_field"] = (
            data.get("punchout_cart_field") or self.instance.punchout_cart_field
        )
        if problem := reading_policy_problem(data["reading_policy"]):
            self.add_error("reading_policy", problem)
        url = data.get("endpoint_url")
        if url and (problem := endpoint_problem(url)):
            self.add_error("endpoint_url", problem)
        for name in _DOCUMENT_URLS:
            if (other := data.get(name)) and (problem := endpoint_problem(other)):
                self.add_error(name, problem)
        self._clean_oci(data)
        if not data.get("shared_secret"):
            self.add_error(
                "shared_secret",
                "The SharedSecret tells the purchasing system which store is calling.",
            )
        scheme = data.get("auth_scheme")
        if scheme == AuthScheme.BASIC:
            if not data.get("basic_user"):
                self.add_error("basic_user", "Basic authentication needs a user ID.")
            if not data.get("basic_password"):
                self.add_error("basic_password", "Basic authentication needs a password.")
        elif scheme == AuthScheme.BEARER and not data.get("bearer_token"):
            self.add_error("bearer_token", "Bearer authentication needs a token.")
        elif scheme == AuthScheme.CERTIFICATE:
            for field, stored in (
                ("client_certificate", self.instance.client_cert_file),
                ("client_key", self.instance.client_key_file),
            ):
                if not data.get(field) and not stored:
                    self.add_error(field, "Certificate authentication needs this file.")
        return data

    def _clean_oci(self, data: dict[str, Any]) -> None:
        """A new OCI password is hashed into the instance; a user name needs one."""
        password = data.get("oci_password") or ""
        if password:
            self.instance.oci_password = make_password(password)
        if data.get("oci_username") and not self.instance.oci_password:
            self.add_error("oci_password", "An OCI user name needs a password.")
