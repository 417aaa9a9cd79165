"""The procurement admin's form for a supplier's PunchOut settings."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from django import forms
from django.conf import settings

from punchin.procurement.punchout.models import PunchOutSupplier


class PunchOutSupplierForm(forms.ModelForm):
    setup_url = forms.URLField(
        label="Setup URL (cXML) or catalog URL (OCI)",
        max_length=500,
        assume_scheme="https",
        help_text="cXML: where we post the PunchOutSetupRequest; OCI: where the browser "
        "opens the catalog; as the supplier gave it",
    )

    class Meta:
        model = PunchOutSupplier
        fields = ("setup_url", "protocol", "oci_version", "enabled")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["oci_version"].required = False  # absent from a cXML-only form

    def clean_oci_version(self) -> str:
        version: str = self.cleaned_data.get("oci_version") or self.instance.oci_version
        return version

    def clean_setup_url(self) -> str:
        """https only: the request carries our SharedSecret, an OCI call the catalog
        password (plain http to this machine in development, as every outbound URL)."""
        url: str = self.cleaned_data["setup_url"]
        scheme = urlsplit(url).scheme.lower()
        if scheme != "https" and not (scheme == "http" and settings.PUNCHIN_DEV):
            raise forms.ValidationError("The setup URL must start with https://.")
        return url
