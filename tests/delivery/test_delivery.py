"""The delivery layer in one process: the real worker command (``--batch``) against a
fake partner on loopback."""

from __future__ import annotations

import random
import threading
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from punchin.web.delivery import sending, tasks
from punchin.web.delivery.exceptions import PayloadIdReused
from punchin.web.delivery.models import DeliveryAttempt, OutboundDelivery
from punchin.web.delivery.outbox import enqueue, retry_now
from punchin.web.delivery.services import move
from punchin.web.delivery.signals import delivery_settled
from punchin.web.delivery.states import TRANSITIONS, State
from punchin.web.statemachine import InvalidTransition
from tests.delivery.conftest import TopOfRange, drain, order, run_worker, state
from tests.delivery.partner import USER_AGENT, Answer, FakePartner, free_port

pytestmark = pytest.mark.django_db(transaction=True)

HTML = b"<html><body><h1>Down for maintenance</h1></body></html>"


@pytest.fixture
def settled() -> Iterator[list[tuple[str, str]]]:
    """(payloadID, state) of every ``delivery_settled`` signal."""
    seen: list[tuple[str, str]] = []

    def receiver(sender: Any, delivery: OutboundDelivery, **kwargs: Any) -> None:
        seen.append((delivery.payload_id, delivery.state))

    delivery_settled.connect(receiver)
    yield seen
    delivery_settled.disconnect(receiver)


def queued(partner: FakePartner, **kwargs: Any) -> OutboundDelivery:
    with transaction.atomic():
        return enqueue(order(), partner_key="supplier", url=partner.url, **kwargs)


def test_delivered_with_the_p20_headers_and_the_stored_bytes(
    partner: FakePartner, settled: list[tuple[str, str]]
) -> None:
    delivery = queued(partner, reason="PO-2024-0042 approved")
    assert (delivery.state, delivery.document_type) == ("pending", "OrderRequest")
    drain(lambda: state(delivery) == "delivered")
    assert partner.requests == [delivery.payload_id]
    assert partner.bodies == [bytes(delivery.raw)]
    headers = partner.headers[0]
    assert headers["Content-Type"] == "text/xml; charset=UTF-8"
    assert headers["Accept"] == "text/xml"
    assert headers["User-Agent"] == USER_AGENT
    assert headers["Connection"] == "Keep-Alive"
    assert delivery.attempts == 1
    assert delivery.last_status_code == 200
    assert delivery.delivered_at is not None
    assert b'<Status code="200"' in bytes(delivery.answer)
    (attempt,) = DeliveryAttempt.objects.all()
    assert (attempt.outcome, attempt.http_status, attempt.status_code) == ("delivered", 200, 200)
    assert attempt.elapsed is not None
    assert attempt.elapsed > 0
    assert settled == [(delivery.payload_id, "delivered")]


def test_the_stored_document_is_dtd_valid(partner: FakePartner, dtd_dir: Any) -> None:
    from punchin.cxml.validate import validate

    delivery = queued(partner)
    assert validate(bytes(delivery.raw), dtd_dir) == []


def test_enqueue_twice_gives_one_delivery_and_one_task(partner: FakePartner) -> None:
    document = order()
    with transaction.atomic():
        first = enqueue(document, partner_key="supplier", url=partner.url)
    with transaction.atomic():
        second = enqueue(document, partner_key="supplier", url=partner.url)
    assert first.pk == second.pk
    assert OutboundDelivery.objects.count() == 1
    assert DBTaskResult.objects.count() == 1
    drain(lambda: state(first) == "delivered")
    assert partner.requests == [document.payload_id]


def test_another_document_under_a_queued_payload_id_is_refused(partner: FakePartner) -> None:
    delivery = queued(partner)
    with pytest.raises(PayloadIdReused):
        enqueue(order(delivery.payload_id), partner_key="other", url=partner.url)


def test_rolled_back_with_the_callers_transaction(partner: FakePartner) -> None:
    class Abort(Exception):
        pass

    def approve_then_fail() -> None:
        with transaction.atomic():
            enqueue(order(), partner_key="supplier", url=partner.url)
            raise Abort

    with pytest.raises(Abort):
        approve_then_fail()
    assert not OutboundDelivery.objects.exists()
    assert not DBTaskResult.objects.exists()


def test_a_400_stops_at_once_with_the_partners_text(
    partner: FakePartner, settled: list[tuple[str, str]]
) -> None:
    partner.script = [Answer(400, 400, "Unknown SupplierPartID PEN-BLK-12")]
    delivery = queued(partner)
    drain(lambda: state(delivery) == "needs_attention")
    for _ in range(3):
        run_worker()
    assert partner.requests == [delivery.payload_id]
    delivery.refresh_from_db()
    assert (delivery.last_status_code, delivery.last_status_text) == (400, "Bad Request")
    assert "Unknown SupplierPartID PEN-BLK-12" in delivery.last_error
    assert "Unknown SupplierPartID PEN-BLK-12" in delivery.answer_text
    assert settled == [(delivery.payload_id, "needs_attention")]


def test_cxml_500_and_560_in_http_200_are_retried_with_the_same_bytes(
    partner: FakePartner, settled: list[tuple[str, str]]
) -> None:
    partner.script = [Answer(500), Answer(560), Answer(551)]
    delivery = queued(partner)
    drain(lambda: state(delivery) == "delivered")
    assert partner.requests == [delivery.payload_id] * 4
    assert set(partner.bodies) == {bytes(delivery.raw)}
    outcomes = list(DeliveryAttempt.objects.values_list("status_code", "outcome"))
    assert outcomes == [(500, "retry"), (560, "retry"), (551, "retry"), (200, "delivered")]
    assert settled == [(delivery.payload_id, "delivered")]


def test_an_html_503_is_retried(partner: FakePartner) -> None:
    partner.script = [Answer(None, 503, body=HTML)]
    delivery = queued(partner)
    drain(lambda: state(delivery) == "delivered")
    assert list(DeliveryAttempt.objects.values_list("http_status", flat=True)) == [503, 200]


@pytest.mark.parametrize(
    ("answer", "words"),
    [
        (Answer(None, 200, body=HTML), "check the partner's URL"),
        (Answer(None, 404, body=HTML), "HTTP 404"),
        (Answer(None, 302, body=b""), "redirect"),
    ],
    ids=["html-200", "html-404", "redirect"],
)
def test_answers_retrying_cannot_fix_need_attention(
    partner: FakePartner, answer: Answer, words: str
) -> None:
    partner.script = [answer]
    delivery = queued(partner)
    drain(lambda: state(delivery) == "needs_attention")
    assert words in delivery.last_error
    assert len(partner.requests) == 1


def test_past_the_horizon_it_needs_attention() -> None:
    url = f"http://127.0.0.1:{free_port()}/cxml"  # nobody listens: connection refused
    with transaction.atomic():
        delivery = enqueue(order(), partner_key="supplier", url=url)
    run_worker()
    assert state(delivery) == "pending"  # within the horizon (60 s here): retried
    # An hour passes for the delivery: its horizon started an hour earlier.
    OutboundDelivery.objects.filter(pk=delivery.pk).update(
        horizon_start=F("horizon_start") - timedelta(hours=1)
    )
    drain(lambda: state(delivery) == "needs_attention")
    assert delivery.last_error.startswith(f"gave up after {delivery.attempts} attempts over 60 min")
    assert "ConnectFailed" in delivery.last_error
    assert delivery.attempts >= 2
    assert set(DeliveryAttempt.objects.values_list("outcome", flat=True)) == {"retry"}


def test_an_unknown_partner_needs_attention(partner: FakePartner) -> None:
    with transaction.atomic():
        delivery = enqueue(order(), partner_key="nobody", url=partner.url)
    drain(lambda: state(delivery) == "needs_attention")
    assert "no partner 'nobody'" in delivery.last_error
    assert partner.requests == []


def test_retry_now_sends_again_with_a_fresh_horizon(
    partner: FakePartner, settled: list[tuple[str, str]]
) -> None:
    partner.script = [Answer(403, 403, "Unknown sender")]
    delivery = queued(partner)
    drain(lambda: state(delivery) == "needs_attention")
    before = delivery.horizon_start
    assert retry_now(delivery.pk) is not None
    assert retry_now(delivery.pk) is None  # already pending again
    delivery.refresh_from_db()
    assert delivery.horizon_start > before
    drain(lambda: state(delivery) == "delivered")
    assert partner.requests == [delivery.payload_id] * 2
    assert [s for _, s in settled] == ["needs_attention", "delivered"]


def test_a_lost_task_is_found_by_the_sweep(partner: FakePartner) -> None:
    delivery = queued(partner)
    DBTaskResult.objects.all().delete()  # as if the task row had never been written
    drain(lambda: state(delivery) == "delivered")
    assert partner.requests == [delivery.payload_id]


def test_an_expired_claim_is_taken_over_and_its_attempt_marked_lost(
    partner: FakePartner, settings: Any
) -> None:
    """What a SIGKILLed worker leaves behind: ``sending``, a lease, an attempt in flight."""
    settings.PUNCHIN_DELIVERY_LEASE_MARGIN = 60  # the lease holds until the test ends it
    delivery = queued(partner)
    claimed = tasks.claim(delivery.pk)
    assert claimed is not None
    DBTaskResult.objects.update(status="RUNNING", started_at=timezone.now() - timedelta(hours=1))
    run_worker()
    assert state(delivery) == "sending"  # the lease still holds
    OutboundDelivery.objects.update(lease_until=timezone.now() - timedelta(seconds=1))
    drain(lambda: state(delivery) == "delivered")
    attempts = list(DeliveryAttempt.objects.values_list("number", "outcome"))
    assert attempts == [(1, "lost"), (2, "delivered")]
    assert DBTaskResult.objects.filter(status="FAILED").count() == 1  # the dead worker's task


def test_two_workers_claiming_at_once_send_once(partner: FakePartner) -> None:
    partner.script = [Answer(delay=0.3)]
    delivery = queued(partner)
    barrier = threading.Barrier(2)
    results: list[str] = []

    def worker() -> None:
        try:
            barrier.wait()
            results.append(tasks.deliver.call(delivery.pk))
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(20)
    assert sorted(results) == ["delivered", "not due or claimed elsewhere"]
    assert partner.requests == [delivery.payload_id]
    assert state(delivery) == "delivered"


def test_a_retry_waits_for_its_backoff(
    partner: FakePartner, settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings.PUNCHIN_DELIVERY_BACKOFF = 30
    settings.PUNCHIN_DELIVERY_BACKOFF_CAP = 3600  # the test settings cap it at 0.4 s
    monkeypatch.setattr(tasks, "jitter", TopOfRange())  # the full 30 s, not a draw near 0
    partner.script = [Answer(500)]
    delivery = queued(partner)
    run_worker()
    delivery.refresh_from_db()
    assert delivery.state == "pending"
    (first,) = DeliveryAttempt.objects.all()
    assert delivery.next_attempt_at >= first.started_at + timedelta(seconds=30)
    assert delivery.next_attempt_at > timezone.now()
    run_worker()
    run_worker()
    assert len(partner.requests) == 1
    task = DBTaskResult.objects.get(id=delivery.task_id)
    assert (task.status, task.run_after) == ("READY", delivery.next_attempt_at)


def test_backoff_is_exponential_capped_and_jittered(
    settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings.PUNCHIN_DELIVERY_BACKOFF = 5
    settings.PUNCHIN_DELIVERY_BACKOFF_CAP = 3600
    cases = [(1, 5), (2, 10), (5, 80), (12, 3600), (500, 3600)]
    monkeypatch.setattr(tasks, "jitter", TopOfRange())
    assert [tasks.backoff(attempts) for attempts, _ in cases] == [c for _, c in cases]
    monkeypatch.setattr(tasks, "jitter", random.Random(7))  # the same draws every run
    for attempts, ceiling in cases:
        delays = [tasks.backoff(attempts) for _ in range(200)]
        assert all(0 <= d <= ceiling for d in delays)
        assert max(delays) > ceiling / 2  # spread over the range, not fixed
        assert len(set(delays)) > 150


@pytest.mark.parametrize("source", list(State))
@pytest.mark.parametrize("target", list(State))
def test_every_move_is_in_the_table_or_refused(
    partner: FakePartner, source: State, target: State
) -> None:
    delivery = queued(partner)
    OutboundDelivery.objects.filter(pk=delivery.pk).update(state=source)
    if (source, target) in TRANSITIONS:
        assert move(delivery.pk, (source,), target) is not None
        assert state(delivery) == target
    else:
        with pytest.raises(InvalidTransition):
            move(delivery.pk, (source,), target)
        assert state(delivery) == source


def test_no_transaction_is_open_while_sending(partner: FakePartner, monkeypatch: Any) -> None:
    seen: list[bool] = []
    real = sending.post_sync

    def spy(*args: Any, **kwargs: Any) -> Any:
        seen.append(connection.in_atomic_block)
        return real(*args, **kwargs)

    monkeypatch.setattr(sending, "post_sync", spy)
    delivery = queued(partner)
    drain(lambda: state(delivery) == "delivered")
    assert seen == [False]
