"""``delivery_worker``: django-tasks-db's ``db_worker`` plus the delivery sweep.

Every option of ``db_worker`` works unchanged; ``--sweep-interval`` sets how often
(seconds) the sweep (``punchin.web.delivery.sweep``) looks for deliveries whose task
or worker was lost. The sweep runs in a thread beside the worker loop, with its own
database connection; with ``--batch`` it runs once, before the batch. Outside
development it refuses to start without ``PUNCHIN_SECRET_KEYS``.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from argparse import ArgumentParser
from typing import Any

from django.db import close_old_connections, connection
from django.utils.autoreload import DJANGO_AUTORELOAD_ENV
from django_tasks_db.management.commands.db_worker import Command as DbWorkerCommand
from django_tasks_db.management.commands.db_worker import valid_interval

from punchin.web.delivery.sweep import sweep
from punchin.web.encryption import require_keys

log = logging.getLogger("punchin.delivery")


def _sweep_forever(interval: float) -> None:
    while True:
        try:
            close_old_connections()
            sweep()
        except Exception:  # a database hiccup must not end the sweeping
            log.exception("delivery sweep failed; trying again in %.3g s", interval)
        finally:
            connection.close()
        time.sleep(interval)


class Command(DbWorkerCommand):
    help = "Run a database task worker that also re-queues lost deliveries"

    def add_arguments(self, parser: ArgumentParser) -> None:
        super().add_arguments(parser)
        parser.add_argument(
            "--sweep-interval",
            default=5.0,
            type=valid_interval,
            help="Seconds between sweeps for lost deliveries (default: %(default)r)",
        )

    def handle(self, *args: Any, sweep_interval: float, **options: Any) -> None:
        require_keys()  # the queued documents are encrypted (docs/security.md row 28)
        # With --reload the command runs twice: a supervising parent and the worker
        # child. Only the child sweeps.
        supervisor = options.get("reload") and os.environ.get(DJANGO_AUTORELOAD_ENV) != "true"
        if options.get("batch"):
            sweep()
        elif not supervisor:
            threading.Thread(
                target=_sweep_forever, args=(sweep_interval,), name="delivery-sweep", daemon=True
            ).start()
        super().handle(*args, **options)
