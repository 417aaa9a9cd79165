"""Admin forms that take credentials in plain text once and keep only their digests, or,
for the ones we present to partners, encrypt them (the model fields do)."""

from __future__ import annotations

from typing import Any

from django import forms

from punchin.procurement.partners import credentials
from punchin.procurement.partners.models import CertificatePin, SharedSecret, SupplierPartner
from punchin.web.inbound import reading_policy_problem


class SupplierPartnerForm(forms.ModelForm):
    status_update_url = forms.URLField(required=False, assume_scheme="https")
    order_url = forms.URLField(required=False, assume_scheme="https")
    basic_password = forms.CharField(
        required=False,
        widget=forms.PasswordInput(render_value=False),
        help_text="leave empty to keep the current password",
    )
    bearer_token = forms.CharField(
        required=False,
        widget=forms.PasswordInput(render_value=False),
        help_text="leave empty to keep the current token",
    )

    outbound_shared_secret = forms.CharField(
        required=False,
        widget=forms.PasswordInput(render_value=False),
        help_text="the SharedSecret the store expects from us; leave empty to keep it",
    )
    outbound_password = forms.CharField(
        required=False,
        widget=forms.PasswordInput(render_value=False),
        help_text="leave empty to keep the current password",
    )
    outbound_bearer_token = forms.CharField(
        required=False,
        widget=forms.PasswordInput(render_value=False),
        help_text="leave empty to keep the current token",
    )

    class Meta:
        model = SupplierPartner
        fields = "__all__"

    def _keep(self, name: str) -> str:
        """Outbound secrets are never shown back: an empty field keeps the stored one."""
        value: str = self.cleaned_data.get(name) or ""
        return value or getattr(self.instance, name)

    def clean_reading_policy(self) -> str:
        policy: str = self.cleaned_data["reading_policy"]
        if problem := reading_policy_problem(policy):
            raise forms.ValidationError(problem)
        return policy

    def clean_outbound_shared_secret(self) -> str:
        return self._keep("outbound_shared_secret")

    def clean_outbound_password(self) -> str:
        return self._keep("outbound_password")

    def clean_outbound_bearer_token(self) -> str:
        return self._keep("outbound_bearer_token")

    def save(self, commit: bool = True) -> Any:
        partner = super().save(commit=False)
        if self.cleaned_data.get("basic_password"):
            partner.basic_password_digest = credentials.digest(self.cleaned_data["basic_password"])
        if self.cleaned_data.get("bearer_token"):
            partner.bearer_token_digest = credentials.digest(self.cleaned_data["bearer_token"])
        if commit:
            partner.save()
            self.save_m2m()
        return partner


class SharedSecretForm(forms.ModelForm):
    secret = forms.CharField(
        required=False,
        widget=forms.PasswordInput(render_value=False),
        help_text="the SharedSecret that says which store is calling; leave empty to keep it",
    )

    class Meta:
        model = SharedSecret
        fields = ("organisation", "label", "secret", "valid_until")

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if not cleaned.get("secret") and not self.instance.digest:
            self.add_error("secret", "a new store needs its SharedSecret")
        if cleaned.get("secret"):
            self.instance.digest = credentials.digest(cleaned["secret"])
        return cleaned


class CertificatePinForm(forms.ModelForm):
    class Meta:
        model = CertificatePin
        fields = ("label", "sha256")

    def clean_sha256(self) -> str:
        try:
            return credentials.normalise_fingerprint(self.cleaned_data["sha256"])
        except ValueError as exc:
            raise forms.ValidationError(str(exc)) from None
