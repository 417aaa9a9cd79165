"""Buying policies an organisation's admin configures, and each requisition's steps.

A policy is three kinds of rule, all per organisation:

- ``ApprovalLevel``: the approver chain. Every level whose cost centre, currency and
  minimum amount fit the requisition is a step, in ``sequence`` order (manager from
  0, finance from 5,000).
- ``CategoryRule``: a UNSPSC segment (the code's first two digits) that needs its own
  approvers, or is blocked.
- ``SupplierLimit``: above this total, a supplier's requisitions need their own
  approvers, or are blocked.

At submit the rules become ``ApprovalStep`` rows (``services.plan``); later changes
to the policy do not move requisitions already in approval.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models

from punchin.procurement.accounts.models import Organisation
from punchin.procurement.partners.models import SupplierPartner
from punchin.procurement.requisitions.models import MONEY, Requisition

_SEGMENT = RegexValidator(r"^[0-9]{2}$", "a UNSPSC segment is two digits, e.g. 44")


class RuleAction(models.TextChoices):
    APPROVE = "approve", "Needs approval by the approvers listed"
    BLOCK = "block", "Blocked: cannot be submitted"


class ApprovalLevel(models.Model):
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="approval_levels"
    )
    name = models.CharField(max_length=100, help_text="e.g. Manager, Finance")
    sequence = models.PositiveIntegerField(default=10, help_text="lower levels approve first")
    cost_centre = models.CharField(
        max_length=64, blank=True, help_text="only requisitions of this cost centre; blank: all"
    )
    currency = models.CharField(max_length=3, blank=True, help_text="blank: any currency")
    min_amount = models.DecimalField(
        **MONEY, default=Decimal(0), help_text="applies when the total is at least this"
    )
    approvers = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="+")

    class Meta:
        ordering = ("organisation", "sequence", "min_amount")

    def __str__(self) -> str:
        return f"{self.name} from {self.min_amount} {self.currency}".strip()


class CategoryRule(models.Model):
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="category_rules"
    )
    segment = models.CharField(max_length=2, validators=[_SEGMENT], help_text="UNSPSC segment")
    action = models.CharField(max_length=8, choices=RuleAction.choices)
    approvers = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="+", blank=True)
    reason = models.CharField(max_length=200, blank=True, help_text="shown to the requester")

    class Meta:
        ordering = ("organisation", "segment")
        constraints = [
            models.UniqueConstraint(fields=("organisation", "segment"), name="one_rule_per_segment")
        ]

    def __str__(self) -> str:
        return f"UNSPSC {self.segment}: {self.get_action_display()}"


class SupplierLimit(models.Model):
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="supplier_limits"
    )
    supplier = models.ForeignKey(SupplierPartner, on_delete=models.CASCADE, related_name="+")
    limit = models.DecimalField(**MONEY, help_text="requisition total above which the rule applies")
    action = models.CharField(max_length=8, choices=RuleAction.choices)
    approvers = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="+", blank=True)

    class Meta:
        ordering = ("organisation", "supplier")
        constraints = [
            models.UniqueConstraint(
                fields=("organisation", "supplier"), name="one_limit_per_supplier"
            )
        ]

    def __str__(self) -> str:
        return f"{self.supplier} above {self.limit}"


class StepState(models.TextChoices):
    WAITING = "waiting", "Waiting"
    APPROVED = "approved", "Approved"
    REJECTED = "rejected", "Rejected"
    CLOSED = "closed", "Not needed any more"


class ApprovalStep(models.Model):
    """One approval a submitted requisition needs; any one of ``approvers`` decides it."""

    requisition = models.ForeignKey(
        Requisition, on_delete=models.CASCADE, related_name="approval_steps"
    )
    sequence = models.PositiveIntegerField()
    name = models.CharField(max_length=100)
    reason = models.CharField(max_length=255, help_text="which rule asked for this step")
    approvers = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="approval_steps")
    state = models.CharField(max_length=8, choices=StepState.choices, default=StepState.WAITING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    comment = models.TextField(blank=True)

    class Meta:
        ordering = ("requisition", "sequence")
        constraints = [
            models.UniqueConstraint(fields=("requisition", "sequence"), name="one_step_per_place")
        ]

    def __str__(self) -> str:
        return f"{self.requisition} step {self.sequence}: {self.name}"
