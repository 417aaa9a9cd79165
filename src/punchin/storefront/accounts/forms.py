from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm

from punchin.storefront.accounts.models import BusinessAccount, BuyingGroup, Member


class EmailAuthenticationForm(AuthenticationForm):
    """Sign in with email and password (P1); usernames are the lower-cased email."""

    username = forms.EmailField(
        label="Email",
        widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "email"}),
    )

    def clean(self) -> dict[str, Any]:
        if "username" in self.cleaned_data:
            self.cleaned_data["username"] = self.cleaned_data["username"].strip().lower()
        return super().clean()


class GroupForm(forms.ModelForm):
    """P12: what a group's members may do, and who they are (an account admin's form)."""

    members = forms.ModelMultipleChoiceField(
        queryset=Member.objects.none(), widget=forms.CheckboxSelectMultiple, required=False
    )

    class Meta:
        model = BuyingGroup
        fields = ("name", "direct", "punchin", "punchout", "members")

    def __init__(self, account: BusinessAccount, *args: Any, **kwargs: Any) -> None:
        if kwargs.get("instance") is None:
            kwargs["instance"] = BuyingGroup(account=account)
        super().__init__(*args, **kwargs)
        field = self.fields["members"]
        assert isinstance(field, forms.ModelMultipleChoiceField)
        field.queryset = account.members.select_related("user").order_by("user__username")
        field.label_from_instance = lambda member: member.user.get_username()

    def clean_name(self) -> str:
        name: str = self.cleaned_data["name"].strip()
        taken = BuyingGroup.objects.filter(account=self.instance.account, name=name)
        if taken.exclude(pk=self.instance.pk).exists():
            raise forms.ValidationError("Another group of your account has this name.")
        return name
