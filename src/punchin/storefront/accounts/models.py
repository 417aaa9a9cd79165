"""A business account owns users (members) and groups; a group says how its members buy."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class PurchasingMode(models.TextChoices):
    PUNCHIN = "punchin", "Punch-in (approval in the e-procurement system)"
    DIRECT = "direct", "Direct Website purchase"


class BusinessAccount(models.Model):
    """A buying organisation; its purchasing system lives in ``integration``."""

    name = models.CharField(max_length=200, unique=True)
    marketplace = models.CharField(max_length=2, default="US")
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.name


class Member(models.Model):
    """A user's place in one business account; account admins configure it (P9)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="member"
    )
    account = models.ForeignKey(BusinessAccount, on_delete=models.CASCADE, related_name="members")
    is_account_admin = models.BooleanField(default=False)

    def __str__(self) -> str:
        return f"{self.user.get_username()} @ {self.account}"


class BuyingGroup(models.Model):
    """A group within an account (P12): Punchout/Punch-in access, Direct Website
    purchase, or both, in which case Direct Website wins (see ``purchasing_mode``)."""

    account = models.ForeignKey(BusinessAccount, on_delete=models.CASCADE, related_name="groups")
    name = models.CharField(max_length=120)
    punchin = models.BooleanField("Punchout and Punch-in", default=False)
    direct = models.BooleanField("Direct Website purchase", default=False)
    members = models.ManyToManyField(Member, related_name="groups", blank=True)

    class Meta:
        constraints = (
            models.UniqueConstraint(fields=("account", "name"), name="unique_group_per_account"),
        )
        ordering = ("name",)

    def __str__(self) -> str:
        return self.name

    @property
    def purchasing_mode(self) -> PurchasingMode | None:
        """P12: "When one group has both, Direct Website purchase permission takes
        precedence over Punch-in." A group with neither cannot buy."""
        if self.direct:
            return PurchasingMode.DIRECT
        if self.punchin:
            return PurchasingMode.PUNCHIN
        return None
