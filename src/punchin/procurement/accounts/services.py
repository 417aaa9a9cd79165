"""Who belongs where: the lookups the Punch-in endpoint and the pages share."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractUser

from punchin.procurement.accounts.models import AddressRole, Organisation, OrganisationAddress


def find_member(organisation: Organisation, email: str) -> AbstractUser | None:
    """The member of ``organisation`` whose email is ``email`` (case-insensitive), if any.

    Looked up only within the organisation the supplier's SharedSecret belongs to:
    the same email may be registered with several organisations (P16).
    """
    if not email.strip():
        return None
    users = get_user_model().objects.filter(
        email__iexact=email.strip(), memberships__organisation=organisation
    )
    found = list(users[:2])
    return found[0] if len(found) == 1 else None


def is_member(user: AbstractUser, organisation: Organisation) -> bool:
    return user.memberships.filter(organisation=organisation).exists()  # type: ignore[attr-defined]


def admin_organisations(user: AbstractUser) -> list[Organisation]:
    """The organisations whose settings ``user`` may see (all of them for superusers)."""
    if user.is_superuser:
        return list(Organisation.objects.all())
    return list(Organisation.objects.filter(memberships__user=user, memberships__is_admin=True))


def default_address(organisation: Organisation, role: AddressRole) -> OrganisationAddress | None:
    """The organisation's default ShipTo or BillTo address, if it has one."""
    return OrganisationAddress.objects.filter(
        organisation=organisation, role=role, is_default=True
    ).first()
