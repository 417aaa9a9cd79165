"""Who sees and changes which purchase orders: the requester, and the organisation's
approvers and admins (superusers see everything); its receiving desk sees them to
record goods receipts (``receiving.may_receive``)."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db.models import Q, QuerySet

from punchin.procurement.orders.models import PurchaseOrder

RECEIVE_GOODS = "procurement_orders.receive_goods"


def visible_orders(user: AbstractUser) -> QuerySet[PurchaseOrder]:
    orders = PurchaseOrder.objects.select_related("supplier", "requisition", "requester")
    if user.is_superuser:
        return orders
    overseen = Q(
        organisation__memberships__user=user,
        organisation__memberships__is_approver=True,
    ) | Q(organisation__memberships__user=user, organisation__memberships__is_admin=True)
    if user.has_perm(RECEIVE_GOODS):
        overseen |= Q(organisation__memberships__user=user)
    return orders.filter(overseen | Q(requester=user)).distinct()


def may_change(user: AbstractUser, order: PurchaseOrder) -> bool:
    """The requester and the organisation's admins may change or cancel a PO."""
    if user.is_superuser or order.requester_id == user.pk:
        return True
    return order.organisation.memberships.filter(user=user, is_admin=True).exists()


def may_settle(user: AbstractUser, order: PurchaseOrder) -> bool:
    """The organisation's admins record payment and close a PO."""
    if user.is_superuser:
        return True
    return order.organisation.memberships.filter(user=user, is_admin=True).exists()


def may_receive(user: AbstractUser, order: PurchaseOrder) -> bool:
    """The requester, the organisation's admins and its receiving desk record receipts."""
    if user.is_superuser or order.requester_id == user.pk:
        return True
    members = order.organisation.memberships.filter(user=user)
    if user.has_perm(RECEIVE_GOODS):
        return members.exists()
    return members.filter(is_admin=True).exists()
