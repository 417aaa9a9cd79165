"""The procurement admin's form for a supplier's PunchOut settings."""

from __future__ import annotations

from urllib.parse import urlsplit

from django import forms
from django.conf import settings

from punchin.procurement.punchout.models import PunchOutSupplier


class PunchOutSupplierForm(forms.ModelForm):
    setup_url = forms.URLField(
        label="Setup URL",
        max_length=500,
        assume_scheme="https",
        help_text="where we post the PunchOutSetupRequest, as the supplier gave it",
    )

    class Meta:
        model = PunchOutSupplier
        fields = ("setup_url", "protocol", "enabled")

    def clean_setup_url(self) -> str:
        """https only: the request carries our SharedSecret (plain http to this machine
        in development, as every outbound URL)."""
        url: str = self.cleaned_data["setup_url"]
        scheme = urlsplit(url).scheme.lower()
        if scheme != "https" and not (scheme == "http" and settings.PUNCHIN_DEV):
            raise forms.ValidationError("The setup URL must start with https://.")
        return url
