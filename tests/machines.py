"""A sweep of every (state, target) pair of a ``punchin.web.statemachine.Machine``,
through the mutator the app calls, on a real row: each pair either moves legally or
raises (h2's sweep of every (state, input) pair, done as a table)."""

from __future__ import annotations

import itertools
from collections.abc import Callable

import pytest
from django.db import models

from punchin.web.statemachine import InvalidTransition, Machine


def sweep(machine: Machine, row: models.Model, move: Callable[[models.Model, str], object]) -> int:
    """Put ``row`` in each state, ask ``move`` for each target: a legal move lands on
    the target, and a stale copy read before it loses (returns False or raises
    ``InvalidTransition``); any other raises ``InvalidTransition``, saying in words
    what the thing is and cannot become, and leaves the row as it was. Returns the
    number of legal moves made."""
    model = type(row)
    rows = model._default_manager.filter(pk=row.pk)

    def state() -> str:
        value: str = rows.values_list(machine.field, flat=True).get()
        return value

    legal = 0
    for source, target in itertools.product(machine.states.values, repeat=2):
        rows.update(**{machine.field: source})
        fresh, stale = rows.get(), rows.get()
        if machine.allows(source, target):
            assert move(fresh, target) is not False, (source, target)
            assert state() == target, (source, target)
            assert getattr(fresh, machine.field) == target, (source, target)
            if source != target:
                try:
                    lost = move(stale, target) is False
                except InvalidTransition:
                    lost = True
                assert lost, f"a stale {source} copy also moved to {target}"
            legal += 1
        else:
            with pytest.raises(InvalidTransition, match="; it cannot become "):
                move(fresh, target)
            assert state() == source, (source, target)
    assert legal == len(machine.moves)
    return legal
