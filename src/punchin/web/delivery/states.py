"""The delivery state machine: every legal move in one table (docs/style.md section 6).

``services.move`` is the only code that changes a delivery's state, through
``MACHINE.move`` (``punchin.web.statemachine``): a conditional UPDATE, so of two
processes racing for the same move exactly one wins.
"""

from __future__ import annotations

from django.db import models

from punchin.web.statemachine import Machine


class State(models.TextChoices):
    PENDING = "pending", "Pending"
    SENDING = "sending", "Sending"
    DELIVERED = "delivered", "Delivered"
    NEEDS_ATTENTION = "needs_attention", "Needs attention"


SETTLED = frozenset({State.DELIVERED, State.NEEDS_ATTENTION})

# (from, to): why the move happens.
TRANSITIONS: dict[tuple[State, State], str] = {
    (State.PENDING, State.SENDING): "a worker claims a due delivery",
    (State.SENDING, State.SENDING): "a worker takes over a claim whose lease expired",
    (State.SENDING, State.DELIVERED): "the partner answered a cXML 2xx Status",
    (State.SENDING, State.PENDING): "a transient failure; retry after a backoff",
    (State.SENDING, State.NEEDS_ATTENTION): "a permanent failure, or the horizon passed",
    (State.NEEDS_ATTENTION, State.PENDING): "staff send it again (Retry now)",
}

MACHINE = Machine(State, TRANSITIONS, noun="the delivery")
