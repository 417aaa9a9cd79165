"""The safety net the workers run every few seconds: no delivery waits forever.

A delivery is re-queued when it should be moving but no task is ready for it:

- pending and due, and its latest task is not ready (a task lost with a worker, a
  row written by hand, a task row pruned too early);
- sending under an expired lease: its worker died mid-send (SIGKILL, power loss).

Extra tasks are harmless: the claim is a conditional UPDATE, so one task sends and
the others find nothing to do. Delivery tasks left RUNNING longer than a lease by a
dead worker are marked failed, so the task list tells the truth.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django_tasks_db.compat import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from . import conf
from .models import OutboundDelivery
from .states import State
from .tasks import deliver, queue

log = logging.getLogger("punchin.delivery")

BATCH = 100


@dataclass(frozen=True, slots=True)
class Swept:
    requeued: int
    dead_tasks: int


def sweep() -> Swept:
    now = timezone.now()
    dead_tasks = DBTaskResult.objects.filter(
        task_path=deliver.module_path,
        status=TaskResultStatus.RUNNING,
        started_at__lt=now - conf.lease(),
    ).update(
        status=TaskResultStatus.FAILED,
        finished_at=now,
        exception_class_path=f"{__package__}.exceptions.WorkerLost",
        traceback="the worker running this task stopped; the sweep re-queued its delivery",
    )
    ready = DBTaskResult.objects.filter(id=OuterRef("task_id"), status=TaskResultStatus.READY)
    stuck = (
        OutboundDelivery.objects.filter(
            Q(state=State.PENDING, next_attempt_at__lte=now)
            | Q(state=State.SENDING, lease_until__lt=now)
        )
        .filter(~Exists(ready))
        .order_by("next_attempt_at")
    )
    with transaction.atomic():
        # skip_locked: workers sweeping at once share the rows instead of queueing twice.
        ids = list(stuck.select_for_update(skip_locked=True).values_list("pk", flat=True)[:BATCH])
        for delivery_id in ids:
            queue(delivery_id)
    if ids or dead_tasks:
        log.warning("sweep: %d deliveries re-queued, %d dead tasks", len(ids), dead_tasks)
    return Swept(len(ids), dead_tasks)
