"""Who sees whose spend (docs/spend.md, "Who sees spend").

An organisation's admins and its finance people (``procurement_spend.view_spend``) see
all of its spend; everyone else (requesters, approvers, the receiving desk) sees the
spend of their own requisitions only; superusers see every organisation's.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.models import AbstractUser
from django.db.models import Q, QuerySet

from punchin.procurement.accounts.models import Organisation
from punchin.procurement.orders.models import PurchaseOrder

VIEW_SPEND = "procurement_spend.view_spend"


@dataclass(frozen=True)
class Scope:
    """The orders whose spend ``user`` may see, and how the page names them."""

    orders: QuerySet[PurchaseOrder]
    name: str
    own_only: bool


def overseen(user: AbstractUser) -> QuerySet[Organisation]:
    """The organisations whose whole spend ``user`` sees."""
    if user.is_superuser:
        return Organisation.objects.all()
    memberships = Q(memberships__user=user, memberships__is_admin=True)
    if user.has_perm(VIEW_SPEND):
        memberships = Q(memberships__user=user)
    return Organisation.objects.filter(memberships).distinct()


def spend_scope(user: AbstractUser) -> Scope:
    """Their organisations' orders, and their own requisitions' wherever they are."""
    organisations = list(overseen(user))
    orders = PurchaseOrder.objects.filter(Q(organisation__in=organisations) | Q(requester=user))
    if organisations:
        return Scope(orders, ", ".join(o.name for o in organisations), own_only=False)
    return Scope(orders, "your requisitions", own_only=True)
