"""Who sees and changes which purchase orders: the requester, and the organisation's
approvers and admins (superusers see everything)."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db.models import Q, QuerySet

from punchin.procurement.orders.models import PurchaseOrder


def visible_orders(user: AbstractUser) -> QuerySet[PurchaseOrder]:
    orders = PurchaseOrder.objects.select_related("supplier", "requisition", "requester")
    if user.is_superuser:
        return orders
    overseen = Q(
        organisation__memberships__user=user,
        organisation__memberships__is_approver=True,
    ) | Q(organisation__memberships__user=user, organisation__memberships__is_admin=True)
    return orders.filter(overseen | Q(requester=user)).distinct()


def may_change(user: AbstractUser, order: PurchaseOrder) -> bool:
    """The requester and the organisation's admins may change or cancel a PO."""
    if user.is_superuser or order.requester_id == user.pk:
        return True
    return order.organisation.memberships.filter(user=user, is_admin=True).exists()
