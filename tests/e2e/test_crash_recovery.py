"""Issue 12's crash: procurement killed with SIGKILL in the middle of a Punch-in, while
it fetches the cart, and restarted on the same database. The claim the dead process
held must be taken over well inside the storefront's retry horizon, so the store's
retries of the same PunchOutSetupRequest succeed and exactly one requisition exists
(docs/security.md row 27, ``PUNCHIN_CLAIM_LEASE_SECONDS``).

procurement runs as ``punchin demo`` runs it (uvicorn, its own data directory); the
test plays the store with the store's own retry schedule, and serves the PoomUrl
itself so that it can hold the first fetch until the kill.
"""

from __future__ import annotations

import asyncio
import base64
import http.client
import signal
import threading
import time
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from aiohttp import web

from punchin.cxml import reply_status, serialize
from punchin.cxml.build import Parties
from punchin.cxml.cart import Line, punch_out_order_message, punch_out_setup_request
from punchin.web import demo
from tests.e2e.servers import Cluster, free_ports
from tests.fakes import FakeServer

# The storefront's defaults (punchin/storefront/settings.py): three attempts, 2 s
# before the first retry, doubled each time; so its horizon after a failure is 2 + 4 s
# plus the attempts themselves.
ATTEMPTS, BACKOFF = 3, 2.0
PARTIES = Parties(
    domain=demo.CREDENTIAL_DOMAIN,
    from_identity=demo.STORE_IDENTITY,
    to_identity=demo.PROCUREMENT_IDENTITY,
    sender_identity=demo.STORE_IDENTITY,
    shared_secret=demo.SHARED_SECRET,
    user_agent=f"{demo.STORE_NAME} PunchIn 1.0",
)
LINE = Line(
    quantity=2,
    supplier_part_id="TN-760",
    supplier_part_auxiliary_id="crash-test-1",
    description="High-yield toner for HL-L2350DW, HL-L2395DW and MFC-L2710DW printers.",
    short_name="Brother TN-760 High Yield Black Toner Cartridge, 3,000 Pages",
    unit_price=Decimal("61.99"),
    unit_of_measure="EA",
    unspsc="44103103",
    manufacturer_part_id="TN760",
    manufacturer_name="Brother",
    url="",
    lead_time_days=2,
)


class HeldPoom(FakeServer):
    """The store's PoomUrl on loopback: the first fetch is held (``fetching`` is set
    when it arrives) until the test lets it go; later fetches are answered at once."""

    def __init__(self, body: bytes) -> None:
        self.body = body
        self.fetching = threading.Event()
        self.fetches = 0
        self._release = asyncio.Event()
        self.listen("GET", "/poom/crash", self._poom, port=free_ports(1)[0])

    @property
    def url(self) -> str:
        return f"{self.base_url}/poom/crash"

    async def _poom(self, request: web.Request) -> web.Response:
        self.fetches += 1
        if self.fetches == 1:
            self.fetching.set()
            await self._release.wait()
        return web.Response(body=self.body, content_type="text/xml")

    def __enter__(self) -> HeldPoom:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self._served.loop.call_soon_threadsafe(self._release.set)
        self.stop()


@pytest.fixture
def cluster(tmp_path: Path) -> Iterator[Cluster]:
    with Cluster.running(tmp_path) as running:
        yield running


def _allow(cluster: Cluster, origin: str) -> None:
    """The demo partner may also serve carts from ``origin`` (the test's PoomUrl)."""
    cluster.manage(
        "procurement",
        "shell",
        "-c",
        "from punchin.procurement.partners.models import SupplierPartner as P; "
        "p = P.objects.get(); "
        f"p.allowed_poom_hosts += '\\n{origin}'; p.save()",
    )


def _requisitions(cluster: Cluster, payload_id: str) -> int:
    out = cluster.manage(
        "procurement",
        "shell",
        "-c",
        "from punchin.procurement.requisitions.models import Requisition as R; "
        f"print(R.objects.filter(source_payload_id={payload_id!r}).count())",
    )
    return int(out.strip().splitlines()[-1])  # after the shell's own notes


def _post(url: str, body: bytes) -> tuple[int, bytes] | str:
    """One attempt of the store's: the answer, or why there was none."""
    auth = base64.b64encode(f"{demo.ENDPOINT_USER}:{demo.ENDPOINT_PASSWORD}".encode()).decode()
    headers = {"Content-Type": "text/xml; charset=utf-8", "Authorization": f"Basic {auth}"}
    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname or "", parts.port, timeout=30)
    try:
        connection.request("POST", parts.path, body=body, headers=headers)
        answer = connection.getresponse()
        return answer.status, answer.read()
    except (OSError, http.client.HTTPException) as exc:
        return type(exc).__name__
    finally:
        connection.close()


def test_a_punch_in_survives_procurement_killed_mid_fetch(cluster: Cluster) -> None:
    payload_id = f"{time.time_ns()}.crash@store.test"
    poom = serialize(punch_out_order_message(payload_id, PARTIES, [LINE], "USD"))
    with HeldPoom(poom) as held:
        _allow(cluster, f"127.0.0.1:{held.port}")
        body = serialize(punch_out_setup_request(payload_id, PARTIES, demo.PUNCHIN_BUYER, held.url))
        endpoint = f"{cluster.procurement.url}/cxml/punchin"

        # The first attempt: procurement claims the payloadID and fetches the cart...
        first: list[tuple[int, bytes] | str] = []
        attempt = threading.Thread(target=lambda: first.append(_post(endpoint, body)))
        attempt.start()
        assert held.fetching.wait(30), "procurement never fetched the PoomUrl"
        # ... and dies there, its claim left "processing".
        killed = cluster.web.pop("procurement")
        killed.send_signal(signal.SIGKILL)
        killed.wait(10)
        died = time.monotonic()
        attempt.join(30)
        assert isinstance(first[0], str), first  # the store saw no answer: transient
        cluster.start_web("procurement")

        # The store's retries of the identical request, on its own schedule.
        answers: list[tuple[int, bytes] | str] = []
        pause = BACKOFF
        for _ in range(ATTEMPTS - 1):
            time.sleep(max(0.0, died + pause - time.monotonic()))
            answers.append(_post(endpoint, body))
            if not isinstance(answers[-1], str) and answers[-1][0] == 200:
                break
            pause += 2 * pause
        recovered = time.monotonic() - died

    answer = answers[-1]
    assert not isinstance(answer, str), answers
    status = reply_status(answer[1])
    assert answer[0] == 200, answers
    assert status is not None
    assert status.code == 200
    # Inside the store's horizon (2 s + 4 s of pauses, plus the attempts themselves).
    assert recovered < BACKOFF * 3 + 20, recovered
    assert _requisitions(cluster, payload_id) == 1
    assert held.fetches == 2  # the dead attempt's and the retry's: never applied twice
