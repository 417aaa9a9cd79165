"""Procurement's machines on real rows: every (state, target) pair through the
mutator the app calls (``tests.machines.sweep``), a history row per move made, and a
sample of the purchase order's forbidden moves refused in words."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import models
from django.utils import timezone

from punchin.procurement.orders import models as orders
from punchin.procurement.orders.services import move_order
from punchin.procurement.partners.models import SupplierPartner
from punchin.procurement.punchout import models as punchout
from punchin.procurement.requisitions import models as requisitions
from punchin.procurement.requisitions.services import move
from punchin.web import demo
from punchin.web.statemachine import InvalidTransition
from tests.machines import sweep
from tests.procurement import flow


@pytest.fixture
def seeded(db: None) -> None:
    call_command("seed_demo", storefront_url="http://127.0.0.1:8001")


@pytest.mark.usefixtures("seeded")
def test_every_requisition_move_is_in_the_table_or_refused_and_leaves_history() -> None:
    def mover(row: models.Model, target: str) -> object:
        assert isinstance(row, requisitions.Requisition)
        return move(row, requisitions.State(target), actor=None, action="swept")

    requisition = flow.draft()
    made = sweep(requisitions.MACHINE, requisition, mover)
    history = requisitions.RequisitionEvent.objects.filter(requisition=requisition, action="swept")
    assert sorted(history.values_list("from_state", "to_state")) == sorted(requisitions.TRANSITIONS)
    assert history.count() == made


@pytest.mark.usefixtures("seeded")
@pytest.mark.parametrize(
    ("source", "target", "words"),
    [
        (
            "sent",
            "received",
            "sent, awaiting the supplier's answer; it cannot become goods received",
        ),
        ("cancelled", "partially_received", "cancelled; it cannot become partially received"),
        ("rejected", "invoiced", "rejected by the supplier; it cannot become invoiced"),
        ("confirmed", "paid", "confirmed; it cannot become paid"),
        ("received", "paid", "goods received; it cannot become paid"),
        ("paid", "invoiced", "paid; it cannot become invoiced"),
        ("closed", "received", "closed; it cannot become goods received"),
        ("invoiced", "cancelled", "invoiced; it cannot become cancelled"),
        (
            "partially_received",
            "sent",
            "partially received; it cannot become sent, awaiting the supplier's answer",
        ),
    ],
)
def test_the_purchase_order_lifecycle_refuses_moves_out_of_order(
    source: str, target: str, words: str
) -> None:
    """A sample of what the lifecycle forbids (docs/purchase-orders.md), refused in
    words and leaving the PO and its history as they were."""
    order = flow.approved()
    orders.PurchaseOrder.objects.filter(pk=order.pk).update(state=source)
    order.refresh_from_db()
    with pytest.raises(InvalidTransition) as refused:
        move_order(order, orders.State(target))
    assert str(refused.value) == f"PO {order.number} is {words}"
    order.refresh_from_db()
    assert order.state == source
    assert not order.history.exists()


@pytest.mark.usefixtures("seeded")
def test_every_purchase_order_move_is_in_the_table_or_refused_and_leaves_history() -> None:
    """The PO's whole life (docs/purchase-orders.md): every allowed move made, every
    other refused, one StateChange per move with the table's reason."""
    order = flow.approved()

    def mover(row: models.Model, target: str) -> object:
        assert isinstance(row, orders.PurchaseOrder)
        return move_order(row, orders.State(target))

    made = sweep(orders.MACHINE, order, mover)
    history = orders.StateChange.objects.filter(order=order)
    assert sorted(history.values_list("from_state", "to_state")) == sorted(orders.TRANSITIONS)
    assert history.count() == made
    assert all(h.why == orders.TRANSITIONS[(h.from_state, h.to_state)] for h in history)


def test_the_lifecycle_table_in_the_docs_is_the_machine() -> None:
    """docs/purchase-orders.md lists every move of ``TRANSITIONS`` with its reason."""
    page = (Path(__file__).resolve().parents[2] / "docs/purchase-orders.md").read_text()
    rows = re.findall(r"^\| `(\w+)` \| `(\w+)` \| (.+) \|$", page, flags=re.MULTILINE)
    assert {(a, b): why for a, b, why in rows} == orders.TRANSITIONS
    assert len(rows) == len(orders.TRANSITIONS)


@pytest.mark.usefixtures("seeded")
def test_every_punchout_session_move_is_in_the_table_or_refused() -> None:
    supplier = punchout.PunchOutSupplier.objects.get(partner=SupplierPartner.objects.get())
    session = punchout.PunchOutSession.objects.create(
        supplier=supplier,
        user=flow.user(demo.PUNCHIN_BUYER),
        operation=punchout.Operation.CREATE,
        buyer_cookie="cookie",
        token_digest="0" * 64,
        setup_payload_id="1.2.3@procurement.test",
        expires_at=timezone.now() + timedelta(hours=1),
    )

    def mover(row: models.Model, target: str) -> object:
        assert isinstance(row, punchout.PunchOutSession)
        return punchout.MACHINE.move(
            punchout.PunchOutSession.objects.filter(pk=row.pk), (row.state,), target, instance=row
        )

    assert sweep(punchout.MACHINE, session, mover) == len(punchout.TRANSITIONS)
