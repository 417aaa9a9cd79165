"""Who belongs where: the lookups the Punch-in endpoint and the pages share."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractUser
from django.db import transaction

from punchin.procurement.accounts.models import (
    AddressRole,
    Organisation,
    OrganisationAddress,
    OrganisationEvent,
)
from punchin.web.prepared import Select, iexact

# Two rows at most: one is the member, two say the email is ambiguous.
_MEMBERS: Select[AbstractUser] = Select(
    lambda email, organisation: get_user_model().objects.filter(
        iexact("email", email), memberships__organisation_id=organisation
    )[:2]
)


def find_member(organisation: Organisation, email: str) -> AbstractUser | None:
    """The member of ``organisation`` whose email is ``email`` (case-insensitive), if any.

    Looked up only within the organisation the supplier's SharedSecret belongs to:
    the same email may be registered with several organisations (P16).
    """
    if not email.strip():
        return None
    found = _MEMBERS.all(email=email.strip(), organisation=organisation.pk)
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


def allow_delivery_changes(organisation: Organisation, actor: AbstractUser, allowed: bool) -> bool:
    """Let the organisation's requesters change a draft's delivery address, or stop
    them (P41); the change and who made it go into the organisation's audit trail.
    False when the setting already was ``allowed`` (nothing written)."""
    with transaction.atomic():
        changed = Organisation.objects.filter(
            pk=organisation.pk, requesters_change_delivery=not allowed
        ).update(requesters_change_delivery=allowed)
        if changed:
            OrganisationEvent.objects.create(
                organisation=organisation,
                actor=actor,
                action="requesters may change the delivery address"
                if allowed
                else "requesters may no longer change the delivery address",
            )
    organisation.requesters_change_delivery = allowed
    return bool(changed)
