"""Organisations buy; their members are Django users who log in with their email."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class Organisation(models.Model):
    """A buying company. Each SharedSecret belongs to one (P16), so the store that
    punches in tells which organisation's people the UserEmail is looked up among."""

    name = models.CharField(max_length=200, unique=True)
    # Off unless an admin turns it on (``services.allow_delivery_changes``, which
    # writes an ``OrganisationEvent``): where goods go is the buyer's choice at the
    # supplier's checkout, or the organisation's default (P41).
    requesters_change_delivery = models.BooleanField(
        "Requesters may change the delivery address",
        default=False,
        help_text="on a draft requisition, before it is submitted for approval",
    )

    class Meta:
        ordering = ("name",)

    def __str__(self) -> str:
        return self.name


class OrganisationEvent(models.Model):
    """The audit trail of an organisation's settings: who changed what, when."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(auto_now_add=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True
    )
    action = models.CharField(max_length=200)

    class Meta:
        ordering = ("-at", "-pk")

    def __str__(self) -> str:
        return f"{self.organisation}: {self.action}"


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


class AddressRole(models.TextChoices):
    SHIP_TO = "ship_to", "Ship to"
    BILL_TO = "bill_to", "Bill to"


class OrganisationAddress(models.Model):
    """Where an organisation receives goods (ShipTo) and invoices (BillTo); the default
    of each role goes into every OrderRequest (docs/protocol.md S7)."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="addresses"
    )
    role = models.CharField(max_length=8, choices=AddressRole.choices)
    is_default = models.BooleanField(default=True)
    address_id = models.CharField(max_length=64, blank=True, help_text="Address@addressID")
    name = models.CharField(max_length=200)
    deliver_to = models.CharField(max_length=200, blank=True)
    street = models.CharField(max_length=200)
    city = models.CharField(max_length=100)
    state = models.CharField(max_length=100, blank=True)
    postal_code = models.CharField(max_length=20, blank=True)
    country = models.CharField(max_length=100)
    iso_country_code = models.CharField(max_length=2)
    email = models.EmailField(blank=True)

    class Meta:
        ordering = ("organisation", "role", "-is_default", "name")
        verbose_name_plural = "organisation addresses"
        constraints = [
            models.UniqueConstraint(
                fields=("organisation", "role"),
                condition=models.Q(is_default=True),
                name="one_default_address_per_role",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_role_display()}: {self.name}, {self.city}"
