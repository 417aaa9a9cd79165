"""Forms: the requester's coding on submit, the approver's decision, the policy rules."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import get_user_model

from punchin.procurement.accounts.models import Organisation
from punchin.procurement.approvals.models import ApprovalLevel, CategoryRule, SupplierLimit
from punchin.procurement.partners.models import SupplierPartner


class SubmitForm(forms.Form):
    cost_centre = forms.CharField(max_length=64, label="Cost centre")
    gl_account = forms.CharField(max_length=64, label="GL account")
    need_by = forms.DateField(
        required=False, label="Needed by", widget=forms.DateInput(attrs={"type": "date"})
    )
    note = forms.CharField(
        required=False, label="Note to the supplier", widget=forms.Textarea(attrs={"rows": 2})
    )


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(choices=(("approve", "Approve"), ("reject", "Reject")))
    comment = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}))


class _RuleForm(forms.ModelForm):
    """A rule of one organisation: approvers and suppliers are limited to it."""

    def __init__(self, *args: Any, organisation: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.instance.organisation = organisation
        members = get_user_model().objects.filter(
            memberships__organisation=organisation, memberships__is_approver=True
        )
        self.fields["approvers"].queryset = members  # type: ignore[attr-defined]
        if "supplier" in self.fields:
            self.fields["supplier"].queryset = SupplierPartner.objects.filter(  # type: ignore[attr-defined]
                organisation=organisation
            )


class LevelForm(_RuleForm):
    prefix = "level"

    class Meta:
        model = ApprovalLevel
        fields = ("name", "sequence", "cost_centre", "currency", "min_amount", "approvers")


class CategoryRuleForm(_RuleForm):
    prefix = "category"

    class Meta:
        model = CategoryRule
        fields = ("segment", "action", "approvers", "reason")


class SupplierLimitForm(_RuleForm):
    prefix = "supplier"

    class Meta:
        model = SupplierLimit
        fields = ("supplier", "limit", "action", "approvers")
