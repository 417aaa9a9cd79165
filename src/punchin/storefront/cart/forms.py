from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django import forms

from punchin.cxml.delivery import DeliveryAddress
from punchin.storefront.accounts.models import BuyingGroup, Member, PurchasingMode
from punchin.storefront.accounts.services import checkout_groups
from punchin.storefront.cart import estimates
from punchin.storefront.cart.models import DELIVERY_PRICES, DeliverySpeed, PaymentMethod

# Where the store delivers: ISO 3166 code, the name the address carries.
COUNTRIES = (
    ("US", "United States"),
    ("CA", "Canada"),
    ("GB", "United Kingdom"),
    ("IE", "Ireland"),
    ("DE", "Germany"),
    ("FR", "France"),
    ("NL", "Netherlands"),
    ("JP", "Japan"),
)
COUNTRY_NAMES = dict(COUNTRIES)
# Marketplaces named otherwise than their country's ISO code.
_MARKETPLACE_COUNTRY = {"UK": "GB"}


def marketplace_country(marketplace: str) -> str:
    code = _MARKETPLACE_COUNTRY.get(marketplace.upper(), marketplace.upper())
    return code if code in COUNTRY_NAMES else "US"


def _lines(text: str) -> tuple[str, ...]:
    return tuple(line.strip() for line in text.splitlines() if line.strip())


def speed_choices(currency: str, ordered_on: date) -> list[tuple[str, str]]:
    """Each speed with its price and when it would arrive, as the buyer chooses it."""

    def price(amount: Decimal) -> str:
        return "free" if amount == 0 else f"{amount} {currency}"

    return [
        (
            str(value),
            f"{label}: {price(DELIVERY_PRICES[value])}, "
            f"arrives {estimates.arrival(value, ordered_on).words()}",
        )
        for value, label in DeliverySpeed.choices
    ]


class CheckoutForm(forms.Form):
    """P3: "Checkout asks for the Group, the Delivery address, the Payment method and
    the Delivery speed". The address has the parts a cXML ShipTo needs (P41)."""

    # Radio buttons, not drop-downs: the choices' words (a group's way of buying, a
    # speed's price and arrival) wrap on a phone where a closed drop-down cuts them off.
    group = forms.ModelChoiceField(
        queryset=BuyingGroup.objects.none(), empty_label=None, widget=forms.RadioSelect
    )
    ship_name = forms.CharField(
        label="Company or site",
        max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "shipping organization"}),
    )
    deliver_to = forms.CharField(
        label="Attention (person or department)",
        max_length=200,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "shipping name"}),
    )
    street = forms.CharField(
        label="Street address",
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2, "autocomplete": "shipping street-address"}),
    )
    city = forms.CharField(
        max_length=100, widget=forms.TextInput(attrs={"autocomplete": "shipping address-level2"})
    )
    state = forms.CharField(
        label="State or region",
        max_length=100,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "shipping address-level1"}),
    )
    postal_code = forms.CharField(
        label="Postal code",
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "shipping postal-code"}),
    )
    country = forms.ChoiceField(choices=COUNTRIES)
    payment_method = forms.ChoiceField(choices=PaymentMethod.choices, widget=forms.RadioSelect)
    delivery_speed = forms.ChoiceField(
        choices=DeliverySpeed.choices, initial=DeliverySpeed.STANDARD, widget=forms.RadioSelect
    )

    def __init__(
        self,
        member: Member,
        *args: Any,
        currency: str = "USD",
        ordered_on: date | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        groups = checkout_groups(member)
        field = self.fields["group"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = BuyingGroup.objects.filter(pk__in=[g.pk for g in groups])
        field.label_from_instance = lambda g: f"{g.name}: {g.purchasing_mode.label}"
        if groups:
            field.initial = groups[0].pk
        speed = self.fields["delivery_speed"]
        assert isinstance(speed, forms.ChoiceField)
        speed.choices = speed_choices(currency, ordered_on or estimates.today())
        # Each buyer is offered what applies to them (P3, P12): a purchase order from
        # the e-procurement system only where a group punches in, and first there.
        payment = self.fields["payment_method"]
        assert isinstance(payment, forms.ChoiceField)
        if any(g.purchasing_mode == PurchasingMode.PUNCHIN for g in groups):
            payment.choices = [
                (PaymentMethod.PURCHASE_ORDER, PaymentMethod.PURCHASE_ORDER.label),
                *((m.value, m.label) for m in PaymentMethod if m != PaymentMethod.PURCHASE_ORDER),
            ]
            payment.initial = PaymentMethod.PURCHASE_ORDER
        else:
            payment.choices = [
                (m.value, m.label) for m in PaymentMethod if m != PaymentMethod.PURCHASE_ORDER
            ]
            payment.initial = PaymentMethod.INVOICE

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        group = data.get("group")
        if (
            group is not None
            and group.purchasing_mode != PurchasingMode.PUNCHIN
            and data.get("payment_method") == PaymentMethod.PURCHASE_ORDER
        ):
            self.add_error(
                "payment_method",
                f"{group.name} buys directly on this site: choose invoice or corporate card. "
                "A purchase order from the e-procurement system is for Punch-in groups.",
            )
        return data

    def clean_street(self) -> str:
        street: str = self.cleaned_data["street"]
        if len(_lines(street)) > 3:
            raise forms.ValidationError("At most three lines of street address.")
        return street

    @staticmethod
    def address_of(data: dict[str, Any]) -> DeliveryAddress:
        """The address the answers describe, as the cart's ShipTo carries it."""
        return DeliveryAddress(
            name=data["ship_name"].strip(),
            deliver_to=_lines(data.get("deliver_to", "")),
            street=_lines(data["street"]),
            city=data["city"].strip(),
            state=data.get("state", "").strip(),
            postal_code=data.get("postal_code", "").strip(),
            country_code=data["country"],
            country=COUNTRY_NAMES[data["country"]],
        )

    def session_data(self) -> dict[str, Any]:
        """The answers as the session stores them between checkout and review."""
        data = dict(self.cleaned_data)
        data["group"] = data["group"].pk
        return data
