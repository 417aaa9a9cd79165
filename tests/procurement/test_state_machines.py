"""Procurement's machines on real rows: every (state, target) pair through the
mutator the app calls (``tests.machines.sweep``), and a requisition's history row per
move made."""

from __future__ import annotations

from datetime import timedelta

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
def test_every_purchase_order_move_is_in_the_table_or_refused() -> None:
    def mover(row: models.Model, target: str) -> object:
        assert isinstance(row, orders.PurchaseOrder)
        return move_order(row, orders.State(target))

    sweep(orders.MACHINE, flow.approved(), mover)


@pytest.mark.usefixtures("seeded")
def test_every_punchout_session_move_is_in_the_table_or_refused() -> None:
    supplier = punchout.PunchOutSupplier.objects.create(
        partner=SupplierPartner.objects.get(), setup_url="https://shop.example/po"
    )
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
