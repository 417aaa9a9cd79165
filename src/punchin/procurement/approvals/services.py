"""Approval: plan the steps a requisition needs, submit it, decide steps, withdraw it.

Concurrency (docs/security.md row 21): every decision runs in one transaction that locks
the requisition row (``select_for_update``; on SQLite the IMMEDIATE transaction takes
the database's write lock) and then moves it through ``requisitions.services.move``,
whose UPDATE is guarded by the state and version read. Two approvers deciding at
once, or an approval racing a withdrawal: the second waits for the first, sees the
new state and gets ``InvalidTransition`` with a message to show.

A final decision changes the requisition, creates the purchase order and queues the
OrderRequest, and for a Punch-in cart the StatusUpdateRequest, in that same
transaction (``punchin.procurement.orders.services``): all of it happens, or none.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.contrib.auth.models import AbstractUser
from django.db import transaction
from django.db.models import F, OuterRef, QuerySet, Subquery
from django.utils import timezone

from punchin.procurement.approvals import notify
from punchin.procurement.approvals.models import (
    ApprovalLevel,
    ApprovalStep,
    CategoryRule,
    RuleAction,
    StepState,
    SupplierLimit,
)
from punchin.procurement.orders import services as orders
from punchin.procurement.requisitions.models import Requisition, State
from punchin.procurement.requisitions.services import move
from punchin.web.statemachine import InvalidTransition


class Blocked(Exception):
    """The policy does not let this requisition be submitted; the text says why."""


class NotYours(Exception):
    """The user may not decide this step (not an approver of it, or the requester)."""


@dataclass(frozen=True, slots=True)
class PlannedStep:
    name: str
    reason: str
    approvers: frozenset[AbstractUser] = field(default_factory=frozenset)


@dataclass(frozen=True, slots=True)
class Coding:
    """What the requester fills in on submit."""

    cost_centre: str
    gl_account: str
    need_by: date | None = None
    note: str = ""


def _amount(value: object, currency: str) -> str:
    return f"{value:,.2f} {currency}"


def _total(requisition: Requisition) -> str:
    """The total the rules compare, saying what it includes besides the lines."""
    currency = requisition.currency
    said = f"total {_amount(requisition.grand_total, currency)}"
    charges = [
        f"{name} {value:,.2f}"
        for name, value in (("delivery", requisition.shipping), ("tax", requisition.tax))
        if value
    ]
    return f"{said} with {' and '.join(charges)}" if charges else said


def plan(requisition: Requisition, cost_centre: str) -> list[PlannedStep]:
    """The steps the organisation's policy asks of ``requisition``, in order, or
    ``Blocked`` with every reason (blocked category, blocked supplier, nobody but the
    requester able to approve a step, no rule at all).

    Amounts are compared with what the purchase order will cost: the lines, the
    delivery charge chosen at the supplier's checkout (the cart's Shipping, P41) and
    its tax (``Requisition.grand_total``), so a cheaper order with express delivery
    cannot slip under a threshold."""
    organisation, total, currency = (
        requisition.organisation,
        requisition.grand_total,
        requisition.currency,
    )
    steps: list[PlannedStep] = []
    refusals: list[str] = []
    levels = (
        ApprovalLevel.objects.filter(organisation=organisation, min_amount__lte=total)
        .filter(cost_centre__in=("", cost_centre), currency__in=("", currency))
        .prefetch_related("approvers")
    )
    for level in levels:
        reason = f"{_total(requisition)} is at least {_amount(level.min_amount, currency)}"
        steps.append(PlannedStep(level.name, reason, frozenset(level.approvers.all())))
    segments = {line.unspsc[:2] for line in requisition.lines.all() if len(line.unspsc) >= 2}
    rules = CategoryRule.objects.filter(organisation=organisation, segment__in=segments)
    for rule in rules.prefetch_related("approvers"):
        why = f"UNSPSC segment {rule.segment}" + (f" ({rule.reason})" if rule.reason else "")
        if rule.action == RuleAction.BLOCK:
            refusals.append(f"{why} may not be bought")
        else:
            steps.append(
                PlannedStep(f"Category {rule.segment}", why, frozenset(rule.approvers.all()))
            )
    limit = (
        SupplierLimit.objects.filter(
            organisation=organisation, supplier=requisition.supplier, limit__lt=total
        )
        .prefetch_related("approvers")
        .first()
    )
    if limit is not None:
        why = (
            f"{requisition.supplier} above {_amount(limit.limit, currency)} ({_total(requisition)})"
        )
        if limit.action == RuleAction.BLOCK:
            refusals.append(f"{why} may not be bought; split the order or ask your admin")
        else:
            steps.append(PlannedStep("Supplier limit", why, frozenset(limit.approvers.all())))
    if not steps and not refusals:
        refusals.append(f"no approval rule of {organisation} covers this requisition")
    requester_id = requisition.requester_id
    for step in steps:
        if not any(a.pk != requester_id and a.is_active for a in step.approvers):
            refusals.append(
                f"step {step.name!r} has no approver other than you (nobody approves "
                "their own requisition)"
            )
    if refusals:
        raise Blocked("Cannot submit: " + "; ".join(refusals) + ".")
    return steps


def submit(requisition: Requisition, user: AbstractUser, coding: Coding) -> None:
    """Draft -> submitted with its steps; the first step's approvers are told."""
    with transaction.atomic():
        locked = Requisition.objects.select_for_update().get(pk=requisition.pk)
        if locked.requester_id != user.pk:
            raise NotYours("Only the requester can submit this requisition.")
        if locked.state != State.DRAFT:  # SUBMITTED -> SUBMITTED is a step's approval
            raise InvalidTransition(
                f"{locked.number} is {locked.get_state_display().lower()}; "
                "it cannot become submitted again"
            )
        steps = plan(locked, coding.cost_centre)
        move(
            locked,
            State.SUBMITTED,
            actor=user,
            action="submitted",
            comment=coding.note,
            submitted_at=timezone.now(),
            cost_centre=coding.cost_centre,
            gl_account=coding.gl_account,
            need_by=coding.need_by,
            note=coding.note,
        )
        for sequence, planned in enumerate(steps, start=1):
            step = ApprovalStep.objects.create(
                requisition=locked, sequence=sequence, name=planned.name, reason=planned.reason
            )
            step.approvers.set([a for a in planned.approvers if a.pk != user.pk])
        notify.approvers(locked, current_step(locked))
    requisition.refresh_from_db()


def current_step(requisition: Requisition) -> ApprovalStep | None:
    return requisition.approval_steps.filter(state=StepState.WAITING).order_by("sequence").first()


def decide(requisition: Requisition, user: AbstractUser, *, approve: bool, comment: str) -> str:
    """Approve or reject the current step as ``user``; returns what happened.

    The last approval makes the requisition approved, creates its purchase order and
    queues the OrderRequest and (Punch-in only) the StatusUpdateRequest; a rejection
    ends it and queues the StatusUpdateRequest of a Punch-in cart.
    """
    comment = comment.strip()
    if not approve and not comment:
        raise InvalidTransition("Say why in the comment: the requester and supplier see it.")
    with transaction.atomic():
        locked = Requisition.objects.select_for_update().get(pk=requisition.pk)
        if locked.state != State.SUBMITTED:
            raise InvalidTransition(
                f"{locked.number} is already {locked.get_state_display().lower()}; "
                "nothing to decide"
            )
        if locked.requester_id == user.pk:
            raise NotYours("Nobody approves their own requisition.")
        step = current_step(locked)
        if step is None or not step.approvers.filter(pk=user.pk).exists():
            raise NotYours(f"You are not an approver of {locked.number}'s current step.")
        now = timezone.now()
        decided = ApprovalStep.objects.filter(pk=step.pk, state=StepState.WAITING).update(
            state=StepState.APPROVED if approve else StepState.REJECTED,
            decided_by=user,
            decided_at=now,
            comment=comment,
        )
        if decided != 1:
            raise InvalidTransition(f"{step} was decided meanwhile; reload the page")
        if not approve:
            _close_steps(locked)
            move(
                locked,
                State.REJECTED,
                actor=user,
                action=f"rejected ({step.name})",
                comment=comment,
                decided_at=now,
            )
            orders.send_decision(locked, approved=False, comment=comment, by=user)
            notify.requester(locked, comment)
            return f"{locked.number} was rejected."
        following = current_step(locked)
        if following is not None:
            move(
                locked,
                State.SUBMITTED,
                actor=user,
                action=f"approved ({step.name})",
                comment=comment,
            )
            notify.approvers(locked, following)
            return f"{step.name} approved; {locked.number} now waits for {following.name}."
        move(
            locked,
            State.APPROVED,
            actor=user,
            action=f"approved ({step.name})",
            comment=comment,
            decided_at=now,
        )
        orders.send_decision(locked, approved=True, comment=comment, by=user)
        order = orders.create_purchase_order(locked, approver=user)
        notify.requester(locked, comment, order.number)
        return f"{locked.number} was approved; purchase order {order.number} was sent."


def cancel(requisition: Requisition, user: AbstractUser) -> None:
    """The requester withdraws a draft or submitted requisition; the supplier of a
    Punch-in cart is told it will not be ordered (docs/statusupdate.md)."""
    with transaction.atomic():
        locked = Requisition.objects.select_for_update().get(pk=requisition.pk)
        if locked.requester_id != user.pk:
            raise NotYours("Only the requester can withdraw this requisition.")
        _close_steps(locked)
        move(locked, State.CANCELLED, actor=user, action="withdrawn", decided_at=timezone.now())
        orders.send_decision(locked, approved=False, comment="Withdrawn by the requester.", by=user)
    requisition.refresh_from_db()


def _close_steps(requisition: Requisition) -> None:
    requisition.approval_steps.filter(state=StepState.WAITING).update(state=StepState.CLOSED)


def queue_for(user: AbstractUser) -> QuerySet[Requisition]:
    """Submitted requisitions whose current step ``user`` may decide (never their own)."""
    current = (
        ApprovalStep.objects.filter(requisition=OuterRef("pk"), state=StepState.WAITING)
        .order_by("sequence")
        .values("pk")[:1]
    )
    return (
        Requisition.objects.filter(state=State.SUBMITTED)
        .annotate(current_step_id=Subquery(current))
        .filter(approval_steps__pk=F("current_step_id"), approval_steps__approvers=user)
        .exclude(requester=user)
        .select_related("supplier", "requester")
        .order_by("submitted_at")
    )
