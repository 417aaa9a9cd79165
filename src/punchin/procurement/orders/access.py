"""Who sees and changes which purchase orders: the requester, and the organisation's
approvers, finance and admins (superusers see everything); its receiving desk sees
them to record goods receipts (``receiving.may_receive``)."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db.models import Q, QuerySet

from punchin.procurement.accounts.roles import finance_organisations
from punchin.procurement.orders.models import PurchaseOrder

RECEIVE_GOODS = "procurement_orders.receive_goods"


def visible_orders(user: AbstractUser) -> QuerySet[PurchaseOrder]:
    orders = PurchaseOrder.objects.select_related("supplier", "requisition", "requester")
    if user.is_superuser:
        return orders
    member = Q(organisation__memberships__user=user)
    overseen = member & (
        Q(organisation__memberships__is_approver=True)
        | Q(organisation__memberships__is_finance=True)
        | Q(organisation__memberships__is_admin=True)
    )
    if user.has_perm(RECEIVE_GOODS):
        overseen |= member
    return orders.filter(overseen | Q(requester=user)).distinct()


def finance_orders(user: AbstractUser) -> QuerySet[PurchaseOrder]:
    """The orders spend and reconciliation count: all of the organisations ``user`` is
    finance or admin of (``accounts.roles.FINANCE``), whoever requested them."""
    return PurchaseOrder.objects.select_related("supplier", "requisition", "requester").filter(
        organisation__in=finance_organisations(user)
    )


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
