"""Fault tests with real worker processes (``python -m django delivery_worker``) on the
test database and a fake partner on loopback: the partner down, a worker SIGKILLed
mid-send, a 400, several workers racing."""

from __future__ import annotations

import signal
import time

import pytest
from django.db import transaction

from punchin.web.delivery.models import DeliveryAttempt, OutboundDelivery
from punchin.web.delivery.outbox import enqueue
from tests.delivery.conftest import Workers, after_a_sweep, order, state, wait_for
from tests.delivery.partner import Answer, FakePartner

pytestmark = pytest.mark.django_db(transaction=True)


def queued(url: str) -> OutboundDelivery:
    with transaction.atomic():
        return enqueue(order(), partner_key="supplier", url=url)


def test_partner_down_then_up_receives_it_exactly_once(workers: Workers) -> None:
    partner = FakePartner()  # its port is chosen, nobody listens on it yet
    delivery = queued(partner.url)
    workers.start()
    wait_for(lambda: DeliveryAttempt.objects.filter(outcome="retry").count() >= 3)
    assert state(delivery) in {"pending", "sending"}
    partner.start()
    try:
        back = time.monotonic()
        wait_for(lambda: state(delivery) == "delivered")
        print(f"delivered {time.monotonic() - back:.3f} s after the partner came back")
        marker = after_a_sweep(partner.url)  # no late duplicate
        assert partner.requests == [delivery.payload_id, marker.payload_id]
        assert partner.applied[delivery.payload_id] == 1
        errors = set(
            DeliveryAttempt.objects.exclude(outcome="delivered").values_list("error", flat=True)
        )
        assert all("ConnectFailed" in e for e in errors), errors
    finally:
        partner.stop()


def test_worker_killed_mid_send_is_delivered_once_by_another(
    workers: Workers, partner: FakePartner
) -> None:
    partner.script = [Answer(delay=30)]  # answers long after the worker is dead
    delivery = queued(partner.url)
    first = workers.start()
    assert partner.arrived.wait(20), workers.logs()
    assert state(delivery) == "sending"
    first.send_signal(signal.SIGKILL)
    first.wait(10)
    killed = time.monotonic()
    workers.start()
    wait_for(lambda: state(delivery) == "delivered")
    print(f"delivered {time.monotonic() - killed:.3f} s after the SIGKILL (lease 2.5 s)")
    assert partner.requests == [delivery.payload_id] * 2
    assert partner.bodies[0] == partner.bodies[1] == bytes(delivery.raw)
    assert partner.applied[delivery.payload_id] == 1
    attempts = list(DeliveryAttempt.objects.values_list("number", "outcome"))
    assert attempts == [(1, "lost"), (2, "delivered")]
    delivery.refresh_from_db()
    assert delivery.attempts == 2


def test_a_400_stops_retries_with_real_workers(workers: Workers, partner: FakePartner) -> None:
    partner.script = [Answer(400, 400, "ShipTo address NY-01 is unknown")]
    delivery = queued(partner.url)
    workers.start()
    wait_for(lambda: state(delivery) == "needs_attention")
    marker = after_a_sweep(partner.url)  # a sweep later, still one request
    assert partner.requests == [delivery.payload_id, marker.payload_id]
    delivery.refresh_from_db()
    assert "ShipTo address NY-01 is unknown" in delivery.last_error


def test_three_workers_deliver_each_document_once(workers: Workers, partner: FakePartner) -> None:
    for _ in range(3):
        workers.start()
    workers.wait_started()
    # The first answers wait until three requests are in at once: one per worker, as a
    # worker runs one task at a time.
    partner.together = 3
    partner.script = [Answer(500), Answer(None, 503, body=b"busy")] * 5  # some retries too
    deliveries = [queued(partner.url) for _ in range(30)]
    wait_for(lambda: OutboundDelivery.objects.filter(state="delivered").count() == 30, timeout=60)
    marker = after_a_sweep(partner.url)
    assert sorted(partner.applied) == sorted(d.payload_id for d in [*deliveries, marker])
    assert set(partner.applied.values()) == {1}
    # One per document, one per scripted failure.
    assert len(partner.requests) == 30 + 10 + 1
    # Every worker took part (tasks are spread by skip-locked claims).
    assert partner.peak == 3
    workers_used = set(DeliveryAttempt.objects.values_list("worker", flat=True))
    assert len(workers_used) == 3
