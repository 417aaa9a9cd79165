"""Faults with real processes: both parties as ``punchin demo`` runs them (uvicorn and a
``delivery_worker`` each), driven through their own pages, then broken the way
production breaks: the storefront down when the OrderRequest goes out, procurement's
worker SIGKILLed while the storefront is answering, a 400 from the storefront, ten
copies of one OrderRequest at once.

"Exactly once" is checked where it matters, in the storefront's own staff pages
(one purchase order) and in procurement's delivery pages (attempts, outcome).

The parties run with short retry timings (PUNCHIN_DELIVERY_* in their environment:
timeout 3 s, lease 4 s, backoff from 0.3 s) so each fault resolves in seconds.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from threading import Barrier

import pytest

from punchin.web import demo as logins
from tests.e2e.proxy import SlowProxy
from tests.e2e.servers import Cluster
from tests.e2e.visitor import (
    Visitor,
    approve,
    eventually,
    log_in,
    post_document,
    punch_in,
    purchase_order,
    sign_in,
)

TIMINGS = {
    "PUNCHIN_DELIVERY_TIMEOUT": "3",
    "PUNCHIN_DELIVERY_LEASE_MARGIN": "1",
    "PUNCHIN_DELIVERY_BACKOFF": "0.3",
    "PUNCHIN_DELIVERY_BACKOFF_CAP": "1",
    "PUNCHIN_DELIVERY_HORIZON": "300",
}
LEASE = 4.0


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Cluster]:
    with pytest.MonkeyPatch.context() as env:
        for name, value in TIMINGS.items():
            env.setenv(name, value)
        with Cluster.running(tmp_path_factory.mktemp("faults")) as running:
            yield running
            log = running.data_dir / "servers.log"
            print(f"--- server log ({log}) ---\n{log.read_text(errors='replace')[-6000:]}")


@dataclass(frozen=True)
class Delivery:
    id: int
    state: str
    attempts: int


class Staff:
    """Procurement's admin and the store's fulfilment staff, each signed in once."""

    def __init__(self, cluster: Cluster) -> None:
        self.cluster = cluster
        self.procurement = Visitor()
        log_in(self.procurement, cluster, logins.PROCUREMENT_ADMIN)
        self.store = Visitor()
        sign_in(self.store, cluster, logins.FULFILMENT_STAFF)

    def po_state(self, number: str) -> str:
        page = self.procurement.get(f"{self.cluster.procurement.url}/orders/{number}/")
        return page.text("//*[@id='po-state']")

    def delivery(self, reason: str) -> Delivery:
        """Procurement's outbound delivery whose reason is ``reason`` ("PO-… v1 new")."""
        page = self.procurement.get(f"{self.cluster.procurement.url}/deliveries/?type=OrderRequest")
        row = page.one(f"//tr[starts-with(@id, 'delivery-')][.//small[. = '{reason}']]")
        attempts = row.xpath("td[@data-label='Attempts']")[0].text_content()
        return Delivery(int(row.get("id").split("-")[1]), row.get("data-state"), int(attempts))

    def attempts(self, delivery: Delivery) -> list[str]:
        """The outcome of each attempt, first to last."""
        url = f"{self.cluster.procurement.url}/deliveries/{delivery.id}/"
        page = self.procurement.get(url)
        rows = page.all("//table[@id='attempt-table']/tbody/tr")
        outcomes = {
            int(row.get("id").split("-")[1]): row.xpath("td[@data-label='Outcome']")[0]
            for row in rows
        }
        return [" ".join(outcomes[n].text_content().split()) for n in sorted(outcomes)]

    def store_orders(self, number: str) -> int:
        """How many purchase orders the storefront holds under ``number``."""
        page = self.store.get(f"{self.cluster.storefront.url}/staff/orders/")
        return len(page.all(f"//table[@id='orders']//tr[@data-order-id='{number}']"))


@pytest.fixture(scope="module")
def staff(cluster: Cluster) -> Staff:
    return Staff(cluster)


def test_storefront_down_then_back_receives_the_order_once(cluster: Cluster, staff: Staff) -> None:
    buyer, requisition = punch_in(cluster, "stapler", 2)
    cluster.stop_web("storefront")
    try:
        approve(cluster, requisition)
        po = purchase_order(cluster, buyer, requisition)
        eventually(
            lambda: staff.delivery(f"{po} v1 new").attempts >= 3,
            "procurement retrying while the storefront is down",
        )
        assert staff.delivery(f"{po} v1 new").state in {"pending", "sending"}
        assert staff.po_state(po) == "Sent, awaiting the supplier's answer"
    finally:
        cluster.start_web("storefront")
    back = time.monotonic()
    eventually(lambda: staff.delivery(f"{po} v1 new").state == "delivered", "delivery")
    print(f"delivered {time.monotonic() - back:.2f} s after the storefront came back")
    assert staff.po_state(po) == "Acknowledged by the supplier"
    outcomes = staff.attempts(staff.delivery(f"{po} v1 new"))
    assert outcomes[-1] == "Delivered"
    assert set(outcomes[:-1]) == {"Transient failure"}, outcomes
    assert staff.store_orders(po) == 1
    history = buyer.get(f"{cluster.storefront.url}/orders/")
    assert history.all(f"//*[@data-order-id='{po}']")


def test_worker_killed_mid_delivery_a_new_worker_delivers_it_once(
    cluster: Cluster, staff: Staff
) -> None:
    """The storefront has applied the OrderRequest; its answer is on the way back when
    procurement's worker dies. A worker started later sends the same bytes again; the
    storefront answers the same and keeps one order."""
    proxy = SlowProxy(cluster.storefront.url, hold_path="/cxml/order").start()
    point_orders_at(cluster, f"{proxy.url}/cxml/order")
    try:
        buyer, requisition = punch_in(cluster, "toner", 1)
        approve(cluster, requisition)
        po = purchase_order(cluster, buyer, requisition)
        assert proxy.held.wait(20), "the OrderRequest never reached the storefront"
        cluster.kill_worker("procurement")
        killed = time.monotonic()
        proxy.hold_path = ""
        mid = staff.delivery(f"{po} v1 new")
        assert (mid.state, mid.attempts) == ("sending", 1)
        assert staff.store_orders(po) == 1  # applied, the answer lost
        cluster.start_worker("procurement")
        eventually(lambda: staff.delivery(f"{po} v1 new").state == "delivered", "redelivery")
        print(f"delivered {time.monotonic() - killed:.2f} s after the SIGKILL (lease {LEASE} s)")
        sent = [body for path, body in proxy.requests if path == "/cxml/order"]
        assert len(sent) == 2
        assert sent[0] == sent[1]
        assert staff.attempts(staff.delivery(f"{po} v1 new")) == ["Worker lost", "Delivered"]
        assert staff.po_state(po) == "Acknowledged by the supplier"
        assert staff.store_orders(po) == 1
    finally:
        point_orders_at(cluster, f"{cluster.storefront.url}/cxml/order")
        proxy.stop()
        if "procurement" not in cluster.workers:
            cluster.start_worker("procurement")


def test_a_400_stops_retries_and_needs_attention_with_the_partners_text(
    cluster: Cluster, staff: Staff
) -> None:
    """The buyer lowers a PO line to 1.5 boxes; the storefront sells whole units and
    refuses the update with 400, saying so. No retry; procurement's staff see it.
    (The form's input steps by whole boxes, so a browser refuses 1.5; this POST is
    made by hand, and procurement leaves the judgement to the supplier.)"""
    buyer, requisition = punch_in(cluster, "nitrile gloves", 2)
    approve(cluster, requisition)
    po = purchase_order(cluster, buyer, requisition)
    eventually(lambda: staff.po_state(po) == "Acknowledged by the supplier", "acknowledged")
    page = buyer.get(f"{cluster.procurement.url}/orders/{po}/")
    buyer.submit(page, "//form[@id='change-form']", **{"quantity-1": "1.5"})
    eventually(
        lambda: staff.delivery(f"{po} v2 update").state == "needs_attention", "needs attention"
    )
    eventually(lambda: queue_idle(cluster), "an idle queue")  # no retry waits or runs
    refused = staff.delivery(f"{po} v2 update")
    assert (refused.state, refused.attempts) == ("needs_attention", 1)
    detail = staff.procurement.get(f"{cluster.procurement.url}/deliveries/{refused.id}/")
    error = detail.text("//*[@id='delivery-error']")
    assert "400" in error
    assert "quantity 1.5 is not a positive whole number" in error
    listing = staff.procurement.get(f"{cluster.procurement.url}/deliveries/")
    assert "1 delivery needs attention" in listing.text("//*[@id='delivery-attention']")
    assert staff.po_state(po) == "Needs attention"
    assert staff.store_orders(po) == 1


def test_ten_copies_of_one_order_request_at_once_make_one_order(
    cluster: Cluster, staff: Staff
) -> None:
    """Procurement's worker is stopped, so the OrderRequest waits in its queue; ten
    copies of the stored bytes hit the real storefront at once, then the worker sends
    the eleventh. One order; every answer the same."""
    cluster.stop_worker("procurement")
    try:
        buyer, requisition = punch_in(cluster, "paper", 3)
        approve(cluster, requisition)
        po = purchase_order(cluster, buyer, requisition)
        queued = staff.delivery(f"{po} v1 new")
        assert (queued.state, queued.attempts) == ("pending", 0)
        raw = stored_document(cluster, queued.id)
        gate = Barrier(10)

        def post(_: int) -> tuple[int, bytes]:
            gate.wait()
            return post_document(f"{cluster.storefront.url}/cxml/order", raw)

        with ThreadPoolExecutor(10) as pool:
            answers = list(pool.map(post, range(10)))
        assert {status for status, _ in answers} == {200}
        assert len({body for _, body in answers}) == 1, "the copies got different answers"
        assert b'code="200"' in answers[0][1]
        assert staff.store_orders(po) == 1
    finally:
        cluster.start_worker("procurement")
    eventually(lambda: staff.delivery(f"{po} v1 new").state == "delivered", "the 11th copy")
    assert staff.store_orders(po) == 1
    assert staff.po_state(po) == "Acknowledged by the supplier"


def point_orders_at(cluster: Cluster, url: str) -> None:
    """What procurement's admin does in the admin: the supplier's order URL changes."""
    cluster.manage(
        "procurement",
        "shell",
        "-c",
        "from punchin.procurement.partners.models import SupplierPartner; "
        f"SupplierPartner.objects.update(order_url={url!r})",
    )


def queue_idle(cluster: Cluster) -> bool:
    """No delivery task of procurement's is ready or running: the worker has finished
    all it was given (a retry would be a ready task)."""
    out = cluster.manage(
        "procurement",
        "shell",
        "-c",
        "from django_tasks_db.models import DBTaskResult; "
        "print(DBTaskResult.objects.filter(status__in=('READY', 'RUNNING')).count())",
    )
    return out.split()[-1] == "0"


def stored_document(cluster: Cluster, delivery: int) -> bytes:
    """The exact bytes procurement queued (its pages show them only redacted)."""
    out = cluster.manage(
        "procurement",
        "shell",
        "-c",
        "from punchin.web.delivery.models import OutboundDelivery; "
        f"print(bytes(OutboundDelivery.objects.get(pk={delivery}).raw).hex())",
    )
    return bytes.fromhex(out.split()[-1])
