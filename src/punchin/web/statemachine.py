"""State machines: a table of legal moves and one guarded mutator.

In the spirit of h11's ``_state.py`` (every transition of a machine in one table, in
one place) and django-oscar's ``Order.set_status`` (check the pipeline, refuse an
illegal move with one exception, write the audit row). Storefront submissions and
orders, procurement requisitions and purchase orders, and outbound deliveries each
declare one ``Machine`` (docs/architecture.md, "State machines"); its ``move`` is the
only code that changes their state.

Where the callers name what happened rather than the state it leads to (the storefront's
purchase orders and website orders: "confirm", "ship"), the machine is read off an
``Events`` table of (state, event) -> state, h11's own shape.

A move is one conditional UPDATE, ``filter(pk=..., state=source).update(state=target,
...)``: of two processes racing for the same row, exactly one changes it and the
other learns it lost (``move`` returns False), on SQLite as on PostgreSQL. A move named
by exact lookups instead of a queryset (the punch-in's hot path) runs as a prepared
statement (``punchin.web.prepared``), compiled once per shape.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.db import models, transaction

from punchin.web.prepared import Update


class InvalidTransition(Exception):
    """A move the machine's table does not list, or a change refused for what the thing
    is now. The message names it and its states in words, fit to show the person who
    asked for the move."""


@dataclass(frozen=True, slots=True)
class Machine:
    """One state machine: ``moves`` maps each legal (source, target) pair to why it
    happens; every other pair is refused.

    ``states`` is the choices class of the model's ``field``; ``noun`` names the thing
    in a refusal when the caller gives no name ("a delivery").
    """

    states: type[models.TextChoices]
    moves: Mapping[tuple[str, str], str]
    noun: str
    field: str = "state"

    def __post_init__(self) -> None:
        unknown = {s for pair in self.moves for s in pair} - set(self.states.values)
        if unknown:
            raise ValueError(f"moves name states {sorted(unknown)} not in {self.states}")

    def allows(self, source: str, target: str) -> bool:
        return (source, target) in self.moves

    def check(self, source: str, target: str, *, what: str = "") -> None:
        """``InvalidTransition`` unless the table lists source -> target; ``what``
        names the thing in the message ("PO-2026-000001")."""
        if not self.allows(source, target):
            raise InvalidTransition(
                f"{what or self.noun} is {self._label(source)}; "
                f"it cannot become {self._label(target)}"
            )

    def move(
        self,
        rows: models.QuerySet[Any] | Mapping[str, Any],
        sources: Iterable[str],
        target: str,
        *,
        what: str = "",
        instance: models.Model | None = None,
        record: models.Model | None = None,
        **changes: Any,
    ) -> bool:
        """Move the row ``rows`` selects from one of ``sources`` to ``target``, with
        ``changes``; True if this call made the move, False if the row was no longer
        in a source (or ``rows`` no longer matched: another process moved it first).

        Every source -> target must be in the table (else ``InvalidTransition``,
        naming ``what``). Callers narrow ``rows`` to the pk and whatever else they
        read (a version, an attempt count), so a stale read loses. On success
        ``record``, the machine's unsaved history row, is saved in the same
        transaction, and ``instance`` gets the target and every plain value of
        ``changes`` (expressions such as ``F(...) + 1`` stay unread).

        ``rows`` may instead map exact lookups to values (``{"pk": 7, "attempts": 2}``)
        of ``instance``'s model; the move is then a prepared statement, and
        ``changes`` must be plain values.
        """
        sources = tuple(sources)
        for source in sources:
            self.check(source, target, what=what)
        if isinstance(rows, Mapping):
            if instance is None:
                raise TypeError("a move named by lookups needs the instance it moves")
            statement = _guarded_update(
                type(instance), self.field, tuple(rows), sources, target, tuple(changes)
            )
            values = {f"where_{k}": v for k, v in rows.items()}
            values.update({f"set_{k}": v for k, v in changes.items()})

            def update() -> int:
                return statement(**values)
        else:
            guarded = rows.filter(**{f"{self.field}__in": sources})

            def update() -> int:
                return guarded.update(**{self.field: target}, **changes)

        won: bool
        if record is None:
            won = update() > 0
        else:
            with transaction.atomic():
                won = update() > 0
                if won:
                    record.save()
        if won and instance is not None:
            setattr(instance, self.field, target)
            for name, value in changes.items():
                if not hasattr(value, "resolve_expression"):
                    setattr(instance, name, value)
        return won

    def _label(self, state: str) -> str:
        return str(self.states(state).label).lower()


@functools.cache
def _guarded_update(
    model: type[models.Model],
    state: str,
    lookups: tuple[str, ...],
    sources: tuple[str, ...],
    target: str,
    changed: tuple[str, ...],
) -> Update:
    """The prepared UPDATE of one move's shape (``Machine.move`` with lookups)."""

    def build(**values: Any) -> tuple[models.QuerySet[Any], dict[str, Any]]:
        rows = model._default_manager.filter(
            **{lookup: values[f"where_{lookup}"] for lookup in lookups},
            **{f"{state}__in": sources},
        )
        return rows, {state: target, **{name: values[f"set_{name}"] for name in changed}}

    return Update(build)


@dataclass(frozen=True, slots=True)
class Events:
    """A machine named by its events: ``table`` maps (state, event) to the state the
    event leads to, and ``machine`` moves by the moves it makes (each with the events
    that make it as its why). ``noun`` names the thing in the machine's refusals ("the
    order"), ``thing`` in a refused event ("An order")."""

    states: type[models.TextChoices]
    events: type[models.TextChoices]
    table: Mapping[tuple[str, str], str]
    noun: str
    thing: str
    machine: Machine = field(init=False)

    def __post_init__(self) -> None:
        why: dict[tuple[str, str], list[str]] = {}
        for (source, event), target in self.table.items():
            why.setdefault((source, target), []).append(str(self.events(event).label))
        moves = {move: "; ".join(events) for move, events in why.items()}
        object.__setattr__(self, "machine", Machine(self.states, moves, noun=self.noun))

    def next_state(self, state: str, event: str) -> str:
        """The state ``event`` leads to from ``state``, or ``InvalidTransition``."""
        try:
            return self.table[(state, event)]
        except KeyError:
            raise InvalidTransition(
                f"{self.thing} that is {str(self.states(state).label).lower()} cannot take "
                f"“{self.events(event).label}”."
            ) from None
