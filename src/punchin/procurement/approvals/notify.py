"""E-mail notifications through Django's mail framework (console backend in the demo).

Sent when the transaction that made the change commits (``on_commit``): a rolled-back
decision never tells anyone anything, and a slow mail server never holds a row lock.
"""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse

from punchin.procurement.approvals.models import ApprovalStep
from punchin.procurement.requisitions.models import Requisition


def _link(name: str, number: str) -> str:
    return f"{settings.PUNCHIN_PUBLIC_URL}{reverse(name, args=[number])}"


def _send(subject: str, body: str, recipients: list[str]) -> None:
    recipients = sorted({r for r in recipients if r})
    if recipients:
        transaction.on_commit(
            lambda: send_mail(subject, body, None, recipients, fail_silently=True)
        )


def approvers(requisition: Requisition, step: ApprovalStep | None) -> None:
    """Tell the approvers of ``step`` that a requisition waits for them."""
    if step is None:
        return
    requester = requisition.requester.email if requisition.requester else requisition.buyer_email
    _send(
        f"Approval needed: {requisition.number} "
        f"({requisition.grand_total:,.2f} {requisition.currency})",
        f"{requester} asks you to approve requisition {requisition.number} from "
        f"{requisition.supplier} ({step.name}: {step.reason}).\n\n"
        f"Review it: {_link('approvals:review', requisition.number)}\n",
        [user.email for user in step.approvers.all()],
    )


def requester(requisition: Requisition, comment: str, order_number: str = "") -> None:
    """Tell the requester the final decision (approved, with the PO number, or rejected)."""
    if requisition.requester is None:
        return
    outcome = requisition.get_state_display().lower()
    lines = [f"Requisition {requisition.number} from {requisition.supplier} was {outcome}."]
    if order_number:
        lines.append(f"Purchase order {order_number} was sent to the supplier.")
    if comment:
        lines.append(f"Comment: {comment}")
    lines.append(f"Details: {_link('requisitions:detail', requisition.number)}")
    _send(
        f"Requisition {requisition.number} {outcome}",
        "\n".join(lines) + "\n",
        [requisition.requester.email],
    )
