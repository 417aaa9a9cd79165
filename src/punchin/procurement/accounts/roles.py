"""Procurement's roles, one check each, shared by the views they guard and the
navigation (punchin.web.roles): every member requests; approvers decide in the
approval queue; finance sees spend and reconciliation; procurement admins manage
supplier partners, buying policy, PunchOut catalogs and single sign-on. Superusers
pass every check."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db.models import Q

from punchin.procurement.accounts.models import Organisation
from punchin.procurement.accounts.services import admin_organisations
from punchin.web.roles import Role


def approves(user: AbstractUser) -> bool:
    """An approver of some organisation (approval levels name only approvers)."""
    return user.is_superuser or user.memberships.filter(is_approver=True).exists()  # type: ignore[attr-defined]


def finance_organisations(user: AbstractUser) -> list[Organisation]:
    """The organisations whose spend and reconciliation ``user`` sees: those where they
    are finance or admin (all of them for superusers)."""
    if user.is_superuser:
        return list(Organisation.objects.all())
    return list(
        Organisation.objects.filter(
            Q(memberships__is_finance=True) | Q(memberships__is_admin=True),
            memberships__user=user,
        ).distinct()
    )


def sees_spend(user: AbstractUser) -> bool:
    """Finance or admin of some organisation: the spend and reconciliation pages."""
    return bool(finance_organisations(user))


def administers(user: AbstractUser) -> bool:
    return bool(admin_organisations(user))


REQUESTER = Role(lambda user: True, "Sign in to see your requisitions and shop at your suppliers.")
APPROVER = Role(
    approves,
    "The approval queue is for approvers. Your organisation's procurement admin "
    "makes members approvers (Buying policy).",
)
FINANCE = Role(
    sees_spend,
    "Spend and reconciliation are for your organisation's finance team and procurement admins.",
)
PROCUREMENT_ADMIN = Role(
    administers,
    "Supplier partners, buying policy, PunchOut catalogs and single sign-on are "
    "managed by your organisation's procurement admins.",
)
