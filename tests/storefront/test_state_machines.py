"""The storefront's machines on real rows: every (state, target) pair
(``tests.machines.sweep``), and every (state, event) pair of a purchase order and of a
direct website order, through the mutator the app calls."""

from __future__ import annotations

import itertools
import re
from typing import Any

import pytest
from django.db import models
from django.utils import timezone

from punchin.storefront.cart import models as direct
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
from .factories import (
    cart_items,
    from_procurement,
    order_request,
    placed,
    received_order,
    submitted,
)


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


def test_every_website_order_move_is_in_the_table_or_refused(acme: Acme) -> None:
    """Through ``Order.move``: each legal (state, target) pair is made by the event the
    table names for it, and a stale copy of the order loses."""
    events = {(s, t): e for (s, e), t in direct.DIRECT_EVENTS.items()}

    def move(row: models.Model, target: str) -> object:
        assert isinstance(row, direct.Order)
        event = events.get((row.state, target))
        if event is None:  # no event makes this move: the machine refuses it in its words
            rows = direct.Order.objects.filter(pk=row.pk)
            return direct.MACHINE.move(rows, (row.state,), target, instance=row)
        return row.move(event, by="swept")

    order = placed(acme)
    assert sweep(direct.MACHINE, order, move) == 4
    assert direct.OrderStep.objects.filter(order=order, by="swept").count() == 4


def test_every_website_order_event_moves_as_the_table_says_or_is_refused(acme: Acme) -> None:
    order = placed(acme)
    assert order.state == direct.OrderState.PLACED
    rows = direct.Order.objects.filter(pk=order.pk)
    for state, event in itertools.product(direct.OrderState, direct.OrderEvent):
        rows.update(state=state)
        steps = direct.OrderStep.objects.filter(order=order).count()
        if (state, event) in direct.DIRECT_EVENTS:
            target = direct.DIRECT_EVENTS[state, event]
            assert rows.get().move(event, by="fran") == target
            assert rows.get().state == target
            assert direct.OrderStep.objects.filter(order=order).count() == steps + 1
        else:
            with pytest.raises(InvalidTransition, match=re.escape(f"cannot take “{event.label}”")):
                rows.get().move(event, by="fran")
            assert rows.get().state == state
            assert direct.OrderStep.objects.filter(order=order).count() == steps
