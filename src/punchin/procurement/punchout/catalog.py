"""Who may shop where, and which carts may be reopened at their supplier."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db.models import QuerySet

from punchin.procurement.punchout.models import Operation, PunchOutSupplier
from punchin.procurement.requisitions.models import Requisition, State


def shoppable(user: AbstractUser) -> QuerySet[PunchOutSupplier]:
    """The enabled PunchOut suppliers (cXML or OCI) of the organisations ``user``
    belongs to."""
    return (
        PunchOutSupplier.objects.filter(
            enabled=True,
            partner__active=True,
            partner__organisation__memberships__user=user,
        )
        .select_related("partner", "partner__organisation")
        .distinct()
    )


def reopen_operation(requisition: Requisition, user: AbstractUser) -> Operation | None:
    """What ``user`` may reopen ``requisition``'s cart for at its supplier, if anything.

    The cart's operationAllowed is the most the supplier allows (docs/protocol.md S4):
    ``edit`` a draft (the returned cart replaces its lines), ``inspect`` it otherwise;
    ``create`` allows nothing but ordering. Only the requester reopens, and only at an
    enabled PunchOut supplier.
    """
    if requisition.requester_id != user.pk or requisition.operation_allowed == Operation.CREATE:
        return None
    if not shoppable(user).filter(partner_id=requisition.supplier_id).exists():
        return None
    if requisition.operation_allowed == Operation.EDIT and requisition.state == State.DRAFT:
        return Operation.EDIT
    if requisition.operation_allowed in (Operation.EDIT, Operation.INSPECT):
        return Operation.INSPECT
    return None
