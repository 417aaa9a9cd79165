"""The storefront's two machines on real rows: every (state, target) pair
(``tests.machines.sweep``), and every (state, event) pair of an order, through the
mutator the app calls."""

from __future__ import annotations

import itertools
import re
from typing import Any

import pytest
from django.db import models
from django.utils import timezone

from punchin.storefront.documents.models import CxmlDocument
from punchin.storefront.orders import receive
from punchin.storefront.orders.models import EVENTS, MACHINE, Event, PurchaseOrder, State
from punchin.storefront.punchout import models as punchout
from punchin.storefront.submissions import models as submissions
from punchin.web import demo
from punchin.web.documents import Direction
from punchin.web.statemachine import InvalidTransition
from tests.machines import sweep

from .conftest import Acme
from .factories import cart_items, from_procurement, order_request, received_order, submitted


@pytest.fixture
def order(acme: Acme, dev: Any) -> PurchaseOrder:
    """A purchase order received for a submitted cart."""
    system = acme.configure("http://127.0.0.1:8002/cxml/punchin")
    document = from_procurement(order_request(cart_items(submitted(acme))), "po-1@procurement")
    entry = CxmlDocument.objects.create(direction=Direction.INBOUND, raw=b"<cXML/>")
    answer = receive.order_request(received_order(system, document, entry))
    assert answer.body.status.code == 200  # type: ignore[union-attr]
    return PurchaseOrder.objects.get()


def test_every_submission_move_is_in_the_table_or_refused(acme: Acme, dev: Any) -> None:
    def move(row: models.Model, target: str) -> object:
        assert isinstance(row, submissions.PunchInSubmission)
        return row.move(submissions.State(target), message="swept")

    acme.configure("http://127.0.0.1:9/cxml/punchin")
    assert sweep(submissions.MACHINE, submitted(acme), move) == 7


def test_every_punchout_session_move_is_in_the_table_or_refused(acme: Acme, dev: Any) -> None:
    def move(row: models.Model, target: str) -> object:
        assert isinstance(row, punchout.PunchOutSession)
        return row.move(punchout.State(target))

    system = acme.configure("http://127.0.0.1:9/cxml/punchin")
    session = punchout.PunchOutSession.objects.create(
        system=system,
        operation=punchout.Operation.CREATE,
        buyer_cookie="c",
        browser_form_post_url="https://buyer.example/return",
        deployment_mode="production",
        user_email=demo.PUNCHIN_BUYER,
        setup_request=CxmlDocument.objects.create(direction=Direction.INBOUND, raw=b"<cXML/>"),
        start_digest="d" * 64,
        start_expires_at=timezone.now(),
        key="k",
    )
    assert sweep(punchout.MACHINE, session, move) == 3


def test_every_order_move_is_in_the_table_or_refused(order: PurchaseOrder) -> None:
    def move(row: models.Model, target: str) -> object:
        assert isinstance(row, PurchaseOrder)
        rows = PurchaseOrder.objects.filter(pk=row.pk)
        return MACHINE.move(rows, (row.state,), State(target), instance=row)

    sweep(MACHINE, order, move)


def test_every_order_event_moves_as_the_table_says_or_is_refused(order: PurchaseOrder) -> None:
    rows = PurchaseOrder.objects.filter(pk=order.pk)
    for state, event in itertools.product(State, Event):
        rows.update(state=state)
        if (state, event) in EVENTS:
            assert rows.get().move(event) == EVENTS[state, event]
            assert rows.get().state == EVENTS[state, event]
        else:
            with pytest.raises(InvalidTransition, match=re.escape(f"cannot take “{event.label}”")):
                rows.get().move(event)
            assert rows.get().state == state
