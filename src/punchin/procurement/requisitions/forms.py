"""The requester's change of a draft's delivery address (P41), where allowed."""

from __future__ import annotations

import re

from django import forms

from punchin.cxml.delivery import DeliveryAddress
from punchin.procurement.requisitions.cart import ADDRESS_LIMITS
from punchin.procurement.requisitions.services import ship_to_columns

_COUNTRY_CODE = re.compile(r"[A-Za-z]{2}")


def _lines(text: str) -> tuple[str, ...]:
    return tuple(line.strip() for line in text.splitlines() if line.strip())


class DeliveryAddressForm(forms.Form):
    """The parts of a cXML PostalAddress: Street, City and Country are required."""

    prefix = "ship"

    name = forms.CharField(
        label="Company or site", max_length=ADDRESS_LIMITS["Name"], help_text="Address name"
    )
    deliver_to = forms.CharField(
        label="Attention", max_length=ADDRESS_LIMITS["DeliverTo"], required=False
    )
    street = forms.CharField(
        label="Street",
        max_length=ADDRESS_LIMITS["Street"],
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="one line per street line",
    )
    city = forms.CharField(max_length=ADDRESS_LIMITS["City"])
    state = forms.CharField(label="State or region", max_length=100, required=False)
    postal_code = forms.CharField(
        label="Postal code", max_length=ADDRESS_LIMITS["PostalCode"], required=False
    )
    country = forms.CharField(max_length=ADDRESS_LIMITS["Country"])
    iso_country_code = forms.CharField(
        label="Country code",
        min_length=2,
        max_length=2,
        help_text="ISO 3166 two letters, e.g. US, DE",
    )

    def clean_iso_country_code(self) -> str:
        code: str = self.cleaned_data["iso_country_code"].strip()
        if _COUNTRY_CODE.fullmatch(code) is None:
            raise forms.ValidationError("Two letters of ISO 3166, e.g. US or DE.")
        return code.upper()

    @classmethod
    def initial_of(cls, address: DeliveryAddress | None) -> dict[str, str]:
        """The form filled in with ``address``: the fields are named as its columns."""
        if address is None:
            return {}
        columns = ship_to_columns(address)
        return {name: columns[name] for name in cls.base_fields}

    def address(self, keep_from: DeliveryAddress | None) -> DeliveryAddress:
        """The address entered; the addressID and email of ``keep_from`` stay when the
        place is the same one, retyped."""
        data = self.cleaned_data
        entered = DeliveryAddress(
            name=data["name"].strip(),
            deliver_to=_lines(data["deliver_to"]),
            street=_lines(data["street"]),
            city=data["city"].strip(),
            state=data["state"].strip(),
            postal_code=data["postal_code"].strip(),
            country=data["country"].strip(),
            country_code=data["iso_country_code"],
        )
        if keep_from is not None and entered.lines() == keep_from.lines():
            return keep_from
        return entered
