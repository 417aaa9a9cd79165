"""Organisations buy; their members are Django users who log in with their email."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class Organisation(models.Model):
    """A buying company. Each SharedSecret belongs to one (P16), so the store that
    punches in tells which organisation's people the UserEmail is looked up among."""

    name = models.CharField(max_length=200, unique=True)

    class Meta:
        ordering = ("name",)

    def __str__(self) -> str:
        return self.name


class Membership(models.Model):
    """A user's place in an organisation: buyer, approver (next issue), admin."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="memberships"
    )
    is_approver = models.BooleanField(default=False)
    is_admin = models.BooleanField(
        default=False, help_text="may see and change the organisation's partner settings"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=("user", "organisation"), name="one_membership_per_org")
        ]

    def __str__(self) -> str:
        return f"{self.user} in {self.organisation}"
