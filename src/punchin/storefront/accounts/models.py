"""A business account owns users (members) and groups; a group says how its members buy."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class PurchasingMode(models.TextChoices):
    """How a group buys, in P12's order of precedence: Direct Website purchase wins over
    Punch-in, and both over PunchOut, which only ever buys inside a session its
    purchasing system opened (P26)."""

    DIRECT = "direct", "Direct Website purchase"
    PUNCHIN = "punchin", "Punch-in (approval in the e-procurement system)"
    PUNCHOUT = "punchout", "PunchOut (shopping from the e-procurement system)"


# The modes that check out on the website; a PunchOut cart goes back to its session.
CHECKOUT_MODES = frozenset({PurchasingMode.DIRECT, PurchasingMode.PUNCHIN})


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
    """A group within an account (P12): Direct Website purchase, Punch-in, Punchout
    user access, in any combination; ``purchasing_mode`` says which one wins."""

    account = models.ForeignKey(BusinessAccount, on_delete=models.CASCADE, related_name="groups")
    name = models.CharField(max_length=120)
    direct = models.BooleanField("Direct Website purchase", default=False)
    punchin = models.BooleanField("Punch-in", default=False)
    punchout = models.BooleanField(
        "Punchout user access",
        default=False,
        help_text="members may shop here from the purchasing system (PunchOut)",
    )
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
        precedence over Punch-in"; Punchout user access comes last. A group with none
        cannot buy."""
        return strongest(self.modes)

    @property
    def modes(self) -> frozenset[PurchasingMode]:
        """Every way of buying the group's permissions grant."""
        granted = (
            (self.direct, PurchasingMode.DIRECT),
            (self.punchin, PurchasingMode.PUNCHIN),
            (self.punchout, PurchasingMode.PUNCHOUT),
        )
        return frozenset(mode for allowed, mode in granted if allowed)


def strongest(modes: frozenset[PurchasingMode] | set[PurchasingMode]) -> PurchasingMode | None:
    """The mode that wins among ``modes`` (P12): the first in ``PurchasingMode``'s order."""
    return next((mode for mode in PurchasingMode if mode in modes), None)
