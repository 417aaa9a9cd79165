"""Two approvers at once, or approval against withdrawal: exactly one wins (docs/security.md
row 21). Real threads, each with its own database connection; run on SQLite and on
PostgreSQL (``DATABASE_URL``)."""

from __future__ import annotations

import threading
from collections.abc import Callable

import pytest
from django.core.management import call_command
from django.db import connection

from punchin.procurement.approvals import services as approvals
from punchin.procurement.approvals.models import ApprovalLevel
from punchin.procurement.orders.models import PurchaseOrder
from punchin.procurement.requisitions.models import Requisition, RequisitionEvent, State
from punchin.web import demo
from punchin.web.delivery.models import OutboundDelivery
from punchin.web.statemachine import InvalidTransition
from tests.procurement import flow

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def seeded() -> None:
    call_command("seed_demo", storefront_url="http://127.0.0.1:8001")
    # Two people may decide the Manager step.
    ApprovalLevel.objects.get(name="Manager").approvers.add(flow.user(demo.PROCUREMENT_ADMIN))


def race(*calls: Callable[[], object]) -> list[object]:
    """Run ``calls`` in threads released together; each one's result or exception."""
    barrier = threading.Barrier(len(calls))
    results: list[object] = [None] * len(calls)

    def run(index: int, call: Callable[[], object]) -> None:
        try:
            barrier.wait()
            results[index] = call()
        except Exception as exc:
            results[index] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    return results


@pytest.mark.parametrize("attempt", range(3))
def test_two_approvers_at_once_make_one_purchase_order(attempt: int) -> None:
    requisition = flow.submitted(payload_id=f"race-{attempt}@store.test")

    def approve(email: str) -> Callable[[], object]:
        return lambda: approvals.decide(
            Requisition.objects.get(pk=requisition.pk),
            flow.user(email),
            approve=True,
            comment=email,
        )

    results = race(approve(demo.APPROVER), approve(demo.PROCUREMENT_ADMIN))
    won = [r for r in results if isinstance(r, str)]
    lost = [r for r in results if isinstance(r, Exception)]
    assert len(won) == 1, results
    assert len(lost) == 1, results
    assert isinstance(lost[0], InvalidTransition)
    assert "already approved" in str(lost[0])
    assert PurchaseOrder.objects.filter(requisition=requisition).count() == 1
    assert OutboundDelivery.objects.filter(document_type="OrderRequest").count() == 1
    assert OutboundDelivery.objects.filter(document_type="StatusUpdateRequest").count() == 1
    assert (
        RequisitionEvent.objects.filter(requisition=requisition, to_state="approved").count() == 1
    )


@pytest.mark.parametrize("attempt", range(3))
def test_approval_against_withdrawal_one_wins(attempt: int) -> None:
    requisition = flow.submitted(payload_id=f"cancel-{attempt}@store.test")
    results = race(
        lambda: approvals.decide(
            Requisition.objects.get(pk=requisition.pk),
            flow.user(demo.APPROVER),
            approve=True,
            comment="",
        ),
        lambda: approvals.cancel(
            Requisition.objects.get(pk=requisition.pk), flow.user(demo.PUNCHIN_BUYER)
        ),
    )
    failures = [r for r in results if isinstance(r, Exception)]
    assert len(failures) == 1, results
    assert isinstance(failures[0], InvalidTransition)
    requisition.refresh_from_db()
    ordered = PurchaseOrder.objects.filter(requisition=requisition).exists()
    assert requisition.state in (State.APPROVED, State.CANCELLED)
    assert ordered == (requisition.state == State.APPROVED)
    # One decision reached the supplier: approved or withdrawn, never both.
    assert OutboundDelivery.objects.filter(document_type="StatusUpdateRequest").count() == 1
