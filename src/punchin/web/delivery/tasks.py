"""The ``deliver`` task: one delivery attempt (claim, send, record, settle), and
``queue``, which schedules it. One module, because an attempt that must retry queues
the next attempt in the transaction that records this one.

No database transaction is open while the request is on the wire: the claim commits
first (state ``sending``, a lease, the attempt recorded as in flight), the answer is
recorded afterwards. A worker killed in between leaves the claim to expire; the sweep
then queues the delivery again and another worker sends the same bytes, with the
same payloadID, which the partner deduplicates.
"""

from __future__ import annotations

import logging
import os
import random
import socket
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django_tasks import task

from punchin.cxml.status import Outcome

from . import conf
from .models import DeliveryAttempt, OutboundDelivery
from .models import Outcome as AttemptOutcome
from .sending import Sent, send
from .services import move
from .states import State

log = logging.getLogger("punchin.delivery")

WORKER = f"{socket.gethostname()}:{os.getpid()}"

jitter = random.Random()
"""The random source of the backoff's jitter. A public attribute so that a test which
depends on the delay drawn can put a source with a known draw in its place."""


@task()
def deliver(delivery_id: int) -> str:
    """Attempt delivery ``delivery_id`` if it is due; a stale or duplicate task is a no-op."""
    return attempt(delivery_id)


def queue(delivery_id: int, run_after: datetime | None = None) -> None:
    """Queue a task that attempts the delivery (at ``run_after``, else at once).

    A delivery may have several tasks queued (the sweep adds one when in doubt);
    that is harmless, as only the task whose claim succeeds sends.
    """
    task = deliver.using(run_after=run_after) if run_after is not None else deliver
    result = task.enqueue(delivery_id)
    OutboundDelivery.objects.filter(pk=delivery_id).update(task_id=result.id)


def attempt(delivery_id: int) -> str:
    """Make one attempt if the delivery is due and unclaimed; return what happened."""
    claimed = claim(delivery_id)
    if claimed is None:
        return "not due or claimed elsewhere"
    delivery, record = claimed
    sent = send(delivery)
    return settle(delivery, record, sent)


def claim(delivery_id: int) -> tuple[OutboundDelivery, DeliveryAttempt] | None:
    """Take the delivery for one attempt: due and pending, or sending under an
    expired lease (its worker died). One conditional UPDATE, so one claimant wins."""
    now = timezone.now()
    due = Q(state=State.PENDING, next_attempt_at__lte=now) | Q(
        state=State.SENDING, lease_until__lt=now
    )
    with transaction.atomic():
        delivery = move(
            delivery_id,
            (State.PENDING, State.SENDING),
            State.SENDING,
            when=due,
            attempts=F("attempts") + 1,
            lease_until=now + conf.lease(),
        )
        if delivery is None:
            return None
        # An attempt still in flight belonged to a worker that died mid-send.
        delivery.attempt_set.filter(outcome=AttemptOutcome.IN_FLIGHT).update(
            outcome=AttemptOutcome.LOST,
            error="the worker stopped before recording an answer; the partner may have it",
        )
        record = DeliveryAttempt.objects.create(
            delivery=delivery, number=delivery.attempts, worker=WORKER, started_at=now
        )
    return delivery, record


def settle(delivery: OutboundDelivery, record: DeliveryAttempt, sent: Sent) -> str:
    """Record the attempt, then move the delivery on, if it is still ours."""
    verdict, now = sent.verdict, timezone.now()
    outcome = {
        Outcome.SUCCESS: AttemptOutcome.DELIVERED,
        Outcome.TRANSIENT: AttemptOutcome.RETRY,
        Outcome.PERMANENT: AttemptOutcome.FAILED,
    }[verdict.outcome]
    DeliveryAttempt.objects.filter(pk=record.pk).update(
        outcome=outcome,
        elapsed=sent.elapsed,
        http_status=verdict.http_status,
        status_code=verdict.status_code,
        status_text=verdict.status_text[:255],
        error="" if verdict.outcome is Outcome.SUCCESS else verdict.detail,
        answer=sent.answer,
    )
    last = {
        "lease_until": None,
        "last_status_code": verdict.code,
        "last_status_text": verdict.status_text[:255],
        "last_error": "" if verdict.outcome is Outcome.SUCCESS else verdict.detail,
        "answer": sent.answer,
    }
    # Only the claim that is still current may settle: a worker whose lease expired
    # and was taken over must not overwrite its successor's state.
    ours = Q(attempts=delivery.attempts)
    log.info("delivery %s attempt %d: %s", delivery.payload_id, delivery.attempts, verdict.detail)
    if verdict.outcome is Outcome.SUCCESS:
        moved = move(
            delivery.pk, (State.SENDING,), State.DELIVERED, when=ours, delivered_at=now, **last
        )
        return "delivered" if moved else "delivered; the delivery was taken over meanwhile"
    if verdict.outcome is Outcome.PERMANENT:
        move(delivery.pk, (State.SENDING,), State.NEEDS_ATTENTION, when=ours, **last)
        return f"needs attention: {verdict.detail}"
    deadline = delivery.horizon_start + conf.horizon()
    if now >= deadline:
        given_up = (
            f"gave up after {delivery.attempts} attempts over "
            f"{_duration(now - delivery.horizon_start)}; last: {verdict.detail}"
        )
        last["last_error"] = given_up
        move(delivery.pk, (State.SENDING,), State.NEEDS_ATTENTION, when=ours, **last)
        return f"needs attention: {given_up}"
    # The last attempt falls on the horizon itself, so the horizon is fully used.
    retry_at = min(now + timedelta(seconds=backoff(delivery.attempts)), deadline)
    with transaction.atomic():
        moved = move(
            delivery.pk,
            (State.SENDING,),
            State.PENDING,
            when=ours,
            next_attempt_at=retry_at,
            **last,
        )
        if moved is not None:
            queue(delivery.pk, run_after=retry_at)
    return f"retry at {retry_at.isoformat()}: {verdict.detail}"


def backoff(attempts: int) -> float:
    """Seconds to wait after ``attempts`` attempts: exponential, capped, full jitter
    (a uniform draw below the ceiling), so partners recovering from an outage are not
    hit by every sender at the same instant."""
    ceiling = min(conf.backoff_cap(), conf.backoff() * 2 ** min(attempts - 1, 62))
    return jitter.uniform(0, ceiling)


def _duration(span: timedelta) -> str:
    seconds = span.total_seconds()
    if seconds < 120:
        return f"{seconds:.1f} s"
    if seconds < 2 * 3600:
        return f"{seconds / 60:.0f} min"
    return f"{seconds / 3600:.1f} h"
