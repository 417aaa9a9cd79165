"""The purchase order's state table (docs/style.md sections 6 and 10): every (state, event)
pair either moves as the table says or raises, and the mutator writes what it says."""

from __future__ import annotations

import itertools
import re

import pytest

from punchin.storefront.orders.models import EVENTS, Event, State, next_state
from punchin.web.statemachine import InvalidTransition

FINAL = {State.REJECTED, State.CANCELLED, State.INVOICED}


@pytest.mark.parametrize(("state", "event"), list(itertools.product(State, Event)))
def test_every_pair_moves_legally_or_raises(state: State, event: Event) -> None:
    if (state, event) in EVENTS:
        assert next_state(state, event) in State.values
    else:
        with pytest.raises(InvalidTransition, match=re.escape(f"cannot take “{event.label}”")):
            next_state(state, event)


def test_final_states_take_nothing() -> None:
    assert not [pair for pair in EVENTS if pair[0] in FINAL]


def test_every_state_is_reachable_from_received() -> None:
    reached, frontier = {State.RECEIVED.value}, [State.RECEIVED.value]
    while frontier:
        state = frontier.pop()
        for (source, _), target in EVENTS.items():
            if source == state and target not in reached:
                reached.add(target)
                frontier.append(target)
    assert reached == set(State.values)


def test_nothing_changes_or_cancels_once_goods_are_on_their_way() -> None:
    for state in (State.PARTIALLY_SHIPPED, State.SHIPPED, State.INVOICED):
        for event in (Event.CHANGE, Event.CANCEL):
            with pytest.raises(InvalidTransition):
                next_state(state, event)
