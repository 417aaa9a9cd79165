from __future__ import annotations

from typing import Any

from django import forms

from punchin.storefront.accounts.models import BuyingGroup, Member
from punchin.storefront.accounts.services import checkout_groups
from punchin.storefront.cart.models import DeliverySpeed, PaymentMethod
from punchin.storefront.cart.services import Checkout


class CheckoutForm(forms.Form):
    """P3: "Checkout asks for the Group, the Delivery address, the Payment method and
    the Delivery speed"."""

    group = forms.ModelChoiceField(queryset=BuyingGroup.objects.none(), empty_label=None)
    delivery_address = forms.CharField(
        max_length=500, widget=forms.Textarea(attrs={"rows": 4, "autocomplete": "shipping"})
    )
    payment_method = forms.ChoiceField(choices=PaymentMethod.choices)
    delivery_speed = forms.ChoiceField(choices=DeliverySpeed.choices)

    def __init__(self, member: Member, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        groups = checkout_groups(member)
        field = self.fields["group"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = BuyingGroup.objects.filter(pk__in=[g.pk for g in groups])
        field.label_from_instance = lambda g: f"{g.name}: {g.purchasing_mode.label}"

    def checkout(self) -> Checkout:
        data = self.cleaned_data
        return Checkout(
            group=data["group"],
            delivery_address=data["delivery_address"],
            payment_method=data["payment_method"],
            delivery_speed=data["delivery_speed"],
        )

    def session_data(self) -> dict[str, Any]:
        """The answers as the session stores them between checkout and review."""
        data = dict(self.cleaned_data)
        data["group"] = data["group"].pk
        return data
