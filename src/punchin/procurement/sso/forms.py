from __future__ import annotations

from typing import ClassVar

from django import forms

from punchin.procurement.sso import saml
from punchin.procurement.sso.models import IdentityProvider


class DiscoverForm(forms.Form):
    email = forms.EmailField(
        label="Work email", widget=forms.EmailInput(attrs={"autocomplete": "email"})
    )


class ProviderForm(forms.ModelForm):
    """An organisation admin's view of its provider (the client secret never shown)."""

    issuer = forms.URLField(
        required=False,
        assume_scheme="https",
        help_text="the issuer; its /.well-known/openid-configuration is read",
    )
    client_secret = forms.CharField(
        required=False,
        widget=forms.PasswordInput(render_value=False),
        help_text="leave empty to keep the current one",
    )

    class Meta:
        model = IdentityProvider
        fields = (
            "protocol",
            "enabled",
            "display_name",
            "email_domains",
            "issuer",
            "client_id",
            "client_secret",
            "saml_metadata",
            "email_claim",
            "first_name_claim",
            "last_name_claim",
            "groups_claim",
            "approver_groups",
        )
        widgets: ClassVar = {
            "email_domains": forms.TextInput(),
            "saml_metadata": forms.Textarea(attrs={"rows": 4}),
        }

    def clean_client_secret(self) -> str:
        return self.cleaned_data["client_secret"] or self.instance.client_secret

    def clean_saml_metadata(self) -> str:
        xml: str = self.cleaned_data["saml_metadata"]
        problem = saml.metadata_problem(xml) if xml.strip() else None
        if problem:
            raise forms.ValidationError(problem)
        return xml
