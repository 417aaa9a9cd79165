"""Fixtures: fake partners, documents, the worker run in-process and as real processes."""

from __future__ import annotations

import io
import os
import random
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django_tasks_db.compat import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from punchin.cxml import Document
from punchin.cxml.payload_id import new_payload_id
from punchin.web.delivery.models import OutboundDelivery
from punchin.web.delivery.outbox import enqueue
from tests.cxml.builders import order_request, request_document
from tests.delivery.partner import FakePartner

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def partner() -> Iterator[FakePartner]:
    fake = FakePartner().start()
    yield fake
    fake.stop()


def order(payload_id: str | None = None) -> Document:
    """A DTD-valid OrderRequest with a fresh payloadID (tests/cxml/builders.py)."""
    return request_document(order_request(), payload_id=payload_id or new_payload_id("buyer.test"))


def run_worker() -> str:
    """``delivery_worker --batch``: sweep once, run every task that is due, return."""
    saved = {s: signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM, signal.SIGQUIT)}
    out = io.StringIO()
    try:
        call_command(
            "delivery_worker",
            batch=True,
            interval=0,
            startup_delay=False,
            reload=False,
            verbosity=0,
            stdout=out,
        )
    finally:
        for sig, handler in saved.items():
            signal.signal(sig, handler)
    return out.getvalue()


def wait_for(check: Callable[[], bool], timeout: float = 20.0, step: float = 0.05) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {check}")
        time.sleep(step)


def drain(check: Callable[[], bool], timeout: float = 20.0) -> None:
    """Run the in-process worker until ``check`` holds (retries wait for their backoff)."""

    def done() -> bool:
        run_worker()
        return check()

    wait_for(done, timeout)


def state(delivery: OutboundDelivery) -> str:
    delivery.refresh_from_db()
    return delivery.state


class TopOfRange(random.Random):
    """A jitter source (``tasks.jitter``) that always draws the top of the range, so
    every backoff is its full ceiling."""

    def uniform(self, a: float, b: float) -> float:
        return b


def after_a_sweep(url: str) -> OutboundDelivery:
    """Return once the workers have done all they had to do and a sweep has run since
    the call: the positive signal a test waits for before it asserts that something
    did not happen. The sign of the sweep is a marker delivery to ``url`` whose task is
    deleted with the enqueue, so only a sweep can queue it; it is returned delivered.
    """
    with transaction.atomic():
        marker = enqueue(order(), partner_key="supplier", url=url)
        DBTaskResult.objects.filter(id=OutboundDelivery.objects.get(pk=marker.pk).task_id).delete()
    busy = (TaskResultStatus.READY, TaskResultStatus.RUNNING)
    wait_for(
        lambda: (
            state(marker) == "delivered"
            and not DBTaskResult.objects.filter(status__in=busy).exists()
        )
    )
    return marker


class Workers:
    """Real ``delivery_worker`` processes on the test database."""

    def __init__(self, log_dir: Path) -> None:
        self.log_dir = log_dir
        self.processes: list[subprocess.Popen[bytes]] = []

    def start(self, *extra: str) -> subprocess.Popen[bytes]:
        env = {
            **os.environ,
            "PUNCHIN_DELIVERY_TEST_DB": str(connection.settings_dict["NAME"]),
            "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), str(ROOT)]),
        }
        log = (self.log_dir / f"worker-{len(self.processes)}.log").open("wb")
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "django",
                "delivery_worker",
                "--settings",
                "tests.delivery.settings",
                "--interval",
                "0.05",
                "--sweep-interval",
                "0.2",
                "--no-startup-delay",
                "--no-reload",
                *extra,
            ],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        log.close()
        self.processes.append(process)
        return process

    def wait_started(self) -> None:
        """Until every worker started has entered its loop (db_worker logs it)."""
        wait_for(lambda: self.logs().count("Starting worker") == len(self.processes))

    def logs(self) -> str:
        return "\n".join(p.read_text() for p in sorted(self.log_dir.glob("worker-*.log")))

    def stop_all(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                process.terminate()
        for process in self.processes:
            try:
                process.wait(10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


@pytest.fixture
def workers(transactional_db: None, tmp_path: Path) -> Iterator[Workers]:
    pool = Workers(tmp_path)
    yield pool
    pool.stop_all()
