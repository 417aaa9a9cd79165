"""The Punch-in round trip under load, next to a bare floor measured in the same run.

Both parties run as real uvicorn processes (uvloop + httptools, as ``punchin demo``
serves them), migrated and seeded in a fresh data directory. One *punch-in* is the
storefront's attempt endpoint doing the whole supplier-side step of the protocol:

    buyer's browser -> storefront  POST /punchin/submissions/<pk>/attempt
    storefront      -> procurement POST /cxml/punchin  (PunchOutSetupRequest, basic auth)
    procurement     -> storefront  GET  /cxml/poom/<token>  (the PoomUrl, P5)
    procurement: parse the cart, create the draft requisition and the StartPage token
    storefront: record the answer and the acceptance; the browser gets the StartPage

Preparing a submission (sign-in, cart, the checkout form, "Submit order for approval",
which builds and stores the PunchOutOrderMessage and the setup request) is the buyer's
own work on the storefront, one synchronous page each, without the other party; it
happens before the clock starts, through the storefront's real pages, and its rate is
printed separately. Only the attempts are timed: each must end ``accepted``; anything
else (retrying, refused, an HTTP error) counts as a failure.

The floor is the same shape with nothing in it: raw ASGI app A answers a POST after
fetching a small document from raw ASGI app B, both under uvicorn with the same
flags, driven by the same aiohttp client at the same concurrency. The machine's speed
drifts (docs/performance.md), so each concurrency level measures its floor right before
its punch-ins and the table compares the two.

After the levels: ``--integrity`` punch-ins (3,000) at concurrency 16, then each
party's database counted for anything lost or doubled (exit status 1 if so); then the
server CPU per view of four pages (``--pages`` views each). Every round prints the CPU
per request of the storefront, procurement and, on PostgreSQL, the database server's
backends (docs/performance.md).

Run: ``.venv/bin/python benchmarks/punchin_roundtrip.py [-n 300] [--concurrency 1 8 32]
[--workers 1] [--database sqlite|postgres] [--integrity 3000] [--pages 200]
[--no-metrics]``. With ``--database postgres`` each party gets a fresh database of its
own on the server of ``DATABASE_URL`` (default
``postgres://postgres@127.0.0.1:5432/test``).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import platform
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable, Iterator, MutableMapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiohttp

from punchin import demo
from punchin.web import demo as credentials

FLOOR_DOCUMENT = (
    b'<?xml version="1.0" encoding="UTF-8"?>\n<cXML payloadID="floor@bench">'
    + (b"<!-- a cart-sized document -->" * 60)
    + b"</cXML>\n"
)
FLOOR_ANSWER = b'<?xml version="1.0" encoding="UTF-8"?>\n<cXML payloadID="answer@bench"/>\n'
WARMUP = 10


# --- the floor: two raw ASGI apps, no Django, no database -------------------------------

Scope = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[MutableMapping[str, Any]]]
Send = Callable[[MutableMapping[str, Any]], Awaitable[None]]


async def _lifespan(
    receive: Receive, send: Send, start: Callable[[], None], stop: Callable[[], Awaitable[None]]
) -> None:
    while True:
        message = await receive()
        if message["type"] == "lifespan.startup":
            start()
            await send({"type": "lifespan.startup.complete"})
        elif message["type"] == "lifespan.shutdown":
            await stop()
            await send({"type": "lifespan.shutdown.complete"})
            return


async def _answer(send: Send, body: bytes) -> None:
    await send(
        {
            "type": "http.response.start",
            "status": 200,
            "headers": [(b"content-type", b"text/xml; charset=UTF-8")],
        }
    )
    await send({"type": "http.response.body", "body": body})


def _nothing() -> None:
    pass


async def _close_nothing() -> None:
    pass


async def floor_b(scope: Scope, receive: Receive, send: Send) -> None:
    """Hop B: answers every request with a small cXML-sized document."""
    if scope["type"] == "lifespan":
        await _lifespan(receive, send, _nothing, _close_nothing)
        return
    await _answer(send, FLOOR_DOCUMENT)


_floor_session: aiohttp.ClientSession | None = None


def _open_session() -> None:
    global _floor_session
    _floor_session = aiohttp.ClientSession()


async def _close_session() -> None:
    if _floor_session is not None:
        await _floor_session.close()


async def floor_a(scope: Scope, receive: Receive, send: Send) -> None:
    """Hop A: reads the POST, fetches B's document with one shared client, answers."""
    if scope["type"] == "lifespan":
        await _lifespan(receive, send, _open_session, _close_session)
        return
    more = True
    while more:
        message = await receive()
        more = message.get("more_body", False)
    assert _floor_session is not None
    async with _floor_session.get(os.environ["FLOOR_B_URL"]) as response:
        await response.read()
    await _answer(send, FLOOR_ANSWER)


# --- servers ------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def uvicorn(app: str, port: int, env: dict[str, str], workers: int) -> subprocess.Popen[bytes]:
    command = [
        sys.executable, "-m", "uvicorn", app, "--host", "127.0.0.1", "--port", str(port),
        "--loop", "uvloop", "--http", "httptools", "--no-access-log", "--log-level", "warning",
        "--timeout-graceful-shutdown", "5", "--workers", str(workers),
    ]  # fmt: skip
    return subprocess.Popen(command, env=env)


@contextlib.contextmanager
def database_url(url: str | None) -> Iterator[None]:
    """``DATABASE_URL`` for the processes started inside (demo reads os.environ)."""
    previous = os.environ.get("DATABASE_URL")
    if url is None:
        os.environ.pop("DATABASE_URL", None)
    else:
        os.environ["DATABASE_URL"] = url
    try:
        yield
    finally:
        if previous is None:
            os.environ.pop("DATABASE_URL", None)
        else:
            os.environ["DATABASE_URL"] = previous


def fresh_postgres_databases(server_url: str) -> dict[str, str]:
    """One empty database per party on ``server_url``'s server; their URLs."""
    import psycopg

    base, _, _ = server_url.rpartition("/")
    urls = {}
    with psycopg.connect(server_url, autocommit=True) as conn:
        for party in ("storefront", "procurement"):
            name = f"punchin_bench_{party}"
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{name}"')
            urls[party] = f"{base}/{name}"
    return urls


def cpu_seconds(pids: list[int]) -> float:
    """User + system CPU time of ``pids`` and their children so far (Linux /proc).

    Other work on the machine steals CPU from the servers and lowers their rate; the
    CPU they spend per punch-in is what the code costs, whatever else runs."""
    total = 0
    ticks = os.sysconf("SC_CLK_TCK")
    pending = list(pids)
    while pending:
        pid = pending.pop()
        with contextlib.suppress(OSError):
            fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
            total += int(fields[11]) + int(fields[12])
            for task in Path(f"/proc/{pid}/task").iterdir():
                pending += [int(c) for c in (task / "children").read_text().split()]
    return total / ticks


# --- the driver ---------------------------------------------------------------------------


@dataclass
class Round:
    completed: int
    failures: int
    seconds: float
    latencies: list[float]
    errors: dict[str, int]
    cpu: float = 0.0
    cpu_each: tuple[float, ...] = ()  # per server in ``pids``, same order

    @property
    def cpu_ms(self) -> float:
        """Server CPU milliseconds per completed request."""
        return self.cpu * 1000 / self.completed if self.completed else float("nan")

    def each_ms(self) -> list[float]:
        """Server CPU milliseconds per completed request, per server."""
        done = self.completed
        return [c * 1000 / done if done else float("nan") for c in self.cpu_each]

    @property
    def rate(self) -> float:
        return self.completed / self.seconds if self.seconds else 0.0

    def percentile(self, q: float) -> float:
        if not self.latencies:
            return float("nan")
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))] * 1000


async def drive(
    jobs: list[Callable[[], Awaitable[str | None]]],
    concurrency: int,
    groups: Callable[[], list[list[int]]],
) -> Round:
    """Run ``jobs`` ``concurrency`` at a time; a job returns None on success, else why.
    ``groups()`` are the processes whose CPU time the round counts, one total per group
    (storefront, procurement, the database server's backends)."""
    queue = list(reversed(jobs))
    latencies: list[float] = []
    errors: dict[str, int] = {}

    async def worker() -> None:
        while queue:
            job = queue.pop()
            started = time.perf_counter()
            try:
                error = await job()
            except Exception as exc:  # a failure to count, not to stop the run
                error = f"{type(exc).__name__}: {exc}"
            if error is None:
                latencies.append(time.perf_counter() - started)
            else:
                errors[error] = errors.get(error, 0) + 1

    counted = groups()
    before = [cpu_seconds(group) for group in counted]
    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    seconds = time.perf_counter() - started
    each = tuple(cpu_seconds(g) - b for g, b in zip(counted, before, strict=True))
    return Round(len(latencies), sum(errors.values()), seconds, latencies, errors, sum(each), each)


class Buyer:
    """A signed-in browser session of the Punch-in buyer on the storefront."""

    def __init__(self, base: str, session: aiohttp.ClientSession) -> None:
        self.base = base
        self.session = session

    @property
    def csrf(self) -> str:
        for cookie in self.session.cookie_jar:
            if cookie.key == "storefront_csrftoken":
                return cookie.value
        raise RuntimeError("no CSRF cookie")

    async def page(self, path: str) -> str:
        async with self.session.get(self.base + path) as response:
            response.raise_for_status()
            return await response.text()

    async def post(self, path: str, data: dict[str, str]) -> aiohttp.ClientResponse:
        data = {"csrfmiddlewaretoken": self.csrf, **data}
        async with self.session.post(self.base + path, data=data) as response:
            await response.read()
            response.raise_for_status()
            return response

    async def sign_in(self) -> None:
        await self.page("/accounts/login/")
        response = await self.post(
            "/accounts/login/",
            {"username": credentials.PUNCHIN_BUYER, "password": credentials.PASSWORD},
        )
        if response.url.path.startswith("/accounts/login"):
            raise RuntimeError("sign-in failed")

    async def fill_cart(self) -> None:
        found = re.findall(r'name="product" value="(\d+)"', await self.page("/search?q=paper"))
        if len(found) < 2:
            raise RuntimeError("the catalog search found fewer than two products")
        for product in found[:2]:
            await self.post("/cart/add", {"product": product, "quantity": "2"})

    async def submit(self, checkout: dict[str, str]) -> int:
        """Checkout form, then "Submit order for approval": a queued submission's id."""
        await self.post("/checkout/", checkout)
        response = await self.post("/checkout/submit", {})
        matched = re.fullmatch(r"/punchin/submissions/(\d+)", response.url.path)
        if matched is None:
            raise RuntimeError(f"submit ended on {response.url.path}, not a submission page")
        return int(matched.group(1))

    async def checkout_form(self) -> dict[str, str]:
        """The checkout form as the page fills it in (its inputs' values, each radio
        group's and select's chosen or first choice), the address completed where the
        page leaves it empty."""
        html = await self.page("/checkout/")
        form: dict[str, str] = {}
        for tag in re.findall(r"<input[^>]*>", html):
            name = re.search(r'name="([^"]+)"', tag)
            if name and name.group(1) != "csrfmiddlewaretoken" and 'type="submit"' not in tag:
                value = re.search(r'value="([^"]*)"', tag)
                radio = 'type="radio"' in tag
                if radio and name.group(1) in form and " checked" not in tag:
                    continue  # a radio group: the checked button, else the first
                form[name.group(1)] = value.group(1) if value else ""
        for name, body in re.findall(r'<textarea name="([^"]+)"[^>]*>(.*?)</textarea>', html, re.S):
            form[name] = body.strip()
        for name, body in re.findall(r'<select name="([^"]+)"[^>]*>(.*?)</select>', html, re.S):
            chosen = re.search(r'<option value="([^"]+)"[^>]*selected', body)
            first = re.search(r'<option value="([^"]+)"', body)
            if chosen or first:
                form[name] = (chosen or first).group(1)  # type: ignore[union-attr]
        address = {"street": "1 Bench Street", "city": "Springfield", "postal_code": "12345"}
        for name, value in address.items():
            if not form.get(name):
                form[name] = value
        if "delivery_address" in form and not form["delivery_address"]:
            form["delivery_address"] = "1 Bench Street\nSpringfield"
        return form

    async def attempt(self, pk: int) -> str | None:
        headers = {"Accept": "application/json", "X-CSRFToken": self.csrf}
        url = f"{self.base}/punchin/submissions/{pk}/attempt"
        async with self.session.post(url, headers=headers) as response:
            if response.status != 200:
                return f"HTTP {response.status}"
            progress = await response.json()
        if progress["state"] != "accepted" or not progress["redirect_url"]:
            return f"{progress['state']}: {progress['message'][:80]}"
        return None


async def prepare_submissions(base: str, count: int, sessions: int) -> tuple[list[int], float]:
    """``count`` queued submissions made through the storefront's pages, and the
    seconds per submission (checkout form + submit) seen by one session."""
    connector = aiohttp.TCPConnector(limit=0)
    try:
        buyers = []
        for _ in range(sessions):
            jar = aiohttp.CookieJar(unsafe=True)
            session = aiohttp.ClientSession(connector=connector, connector_owner=False,
                                            cookie_jar=jar)  # fmt: skip
            buyers.append(Buyer(base, session))
        try:
            await asyncio.gather(*(b.sign_in() for b in buyers))
            await buyers[0].fill_cart()
            form = await buyers[0].checkout_form()
            ids: list[int] = []
            times: list[float] = []

            async def work(buyer: Buyer, share: int) -> None:
                for _ in range(share):
                    started = time.perf_counter()
                    ids.append(await buyer.submit(form))
                    times.append(time.perf_counter() - started)

            shares = [count // sessions + (i < count % sessions) for i in range(sessions)]
            await asyncio.gather(*(work(b, s) for b, s in zip(buyers, shares, strict=True)))
        finally:
            for buyer in buyers:
                await buyer.session.close()
    finally:
        await connector.close()
    return sorted(ids), statistics.median(times)


class Servers:
    """Whose CPU a round counts: each party's server process (its workers are its
    children) and, on PostgreSQL, the database server's backends serving the two
    parties' databases (their connections are persistent, so the same backends
    serve the whole round)."""

    def __init__(self, party_pids: list[int], postgres: str | None, databases: list[str]):
        self.party_pids = party_pids
        self.postgres = postgres
        self.databases = databases

    def backends(self) -> list[int]:
        if self.postgres is None:
            return []
        import psycopg

        with psycopg.connect(self.postgres, autocommit=True) as conn:
            rows = conn.execute(
                "SELECT pid FROM pg_stat_activity WHERE datname = ANY(%s)", [self.databases]
            ).fetchall()
        return [row[0] for row in rows]

    def groups(self) -> list[list[int]]:
        return [[pid] for pid in self.party_pids] + [self.backends()]


class Staff:
    """A signed-in browser session on either party (any login form of ours)."""

    def __init__(self, base: str, session: aiohttp.ClientSession, csrf_cookie: str) -> None:
        self.base, self.session, self.csrf_cookie = base, session, csrf_cookie

    async def sign_in(self, path: str, username: str) -> None:
        async with self.session.get(self.base + path) as response:
            await response.read()
        token = next(c.value for c in self.session.cookie_jar if c.key == self.csrf_cookie)
        data = {"csrfmiddlewaretoken": token, "username": username}
        data["password"] = credentials.PASSWORD
        async with self.session.post(self.base + path, data=data) as response:
            await response.read()
            if response.url.path == path:
                raise RuntimeError(f"sign-in of {username} failed")

    async def view(self, path: str) -> str | None:
        async with self.session.get(self.base + path) as response:
            await response.read()
            return None if response.status == 200 else f"HTTP {response.status} on {path}"

    async def text(self, path: str) -> str:
        async with self.session.get(self.base + path) as response:
            response.raise_for_status()
            return await response.text()


async def page_views(
    storefront_url: str, procurement_url: str, servers: Servers, count: int
) -> list[tuple[str, Round]]:
    """Server CPU per page view of the pages people use most: the storefront's search
    and cart (the Punch-in buyer, two products in the cart), procurement's requisition
    (the buyer, one of the drafts the punch-ins made) and approval queue (the
    approver). ``count`` views each, 4 at a time."""
    rows = []
    async with contextlib.AsyncExitStack() as stack:

        async def session() -> aiohttp.ClientSession:
            jar = aiohttp.CookieJar(unsafe=True)
            return await stack.enter_async_context(aiohttp.ClientSession(cookie_jar=jar))

        buyer = Buyer(storefront_url, await session())
        await buyer.sign_in()
        await buyer.fill_cart()
        requester = Staff(procurement_url, await session(), "procurement_csrftoken")
        await requester.sign_in("/accounts/login/", credentials.PUNCHIN_BUYER)
        found = re.search(r'href="/requisitions/([^/"]+)/"', await requester.text("/requisitions/"))
        if found is None:
            raise RuntimeError("the buyer has no requisition on procurement")
        approver = Staff(procurement_url, await session(), "procurement_csrftoken")
        await approver.sign_in("/accounts/login/", credentials.APPROVER)
        shopper = Staff(storefront_url, buyer.session, "storefront_csrftoken")
        pages = [
            ("storefront search", shopper, "/search?q=paper"),
            ("storefront cart", shopper, "/cart/"),
            ("procurement requisition", requester, f"/requisitions/{found.group(1)}/"),
            ("procurement approval queue", approver, "/approvals/"),
        ]
        for name, who, path in pages:

            def view(who: Staff = who, path: str = path) -> Awaitable[str | None]:
                return who.view(path)

            await drive([view] * WARMUP, 1, servers.groups)
            rows.append((name, await drive([view] * count, 4, servers.groups)))
    return rows


async def measure(
    args: argparse.Namespace, storefront_url: str, floor_url: str, servers: Servers,
    floor_pids: list[int],
) -> tuple[list[Any], Round | None]:  # fmt: skip
    levels: list[int] = args.concurrency
    per_level = args.n
    total = per_level * len(levels) + WARMUP + args.integrity
    print(f"preparing {total} submissions through the storefront's pages ...", flush=True)
    started = time.perf_counter()
    ids, submit_seconds = await prepare_submissions(storefront_url, total, sessions=4)
    print(
        f"  done in {time.perf_counter() - started:.1f} s; one checkout + submit takes "
        f"{submit_seconds * 1000:.1f} ms (median, 4 sessions)",
        flush=True,
    )
    rows = []
    jar = aiohttp.CookieJar(unsafe=True)
    floor_groups = lambda: [floor_pids]  # noqa: E731
    async with aiohttp.ClientSession(
        connector=aiohttp.TCPConnector(limit=0), cookie_jar=jar
    ) as session:
        buyer = Buyer(storefront_url, session)
        await buyer.sign_in()

        async def floor_call() -> str | None:
            async with session.post(floor_url, data=FLOOR_ANSWER) as response:
                await response.read()
                return None if response.status == 200 else f"HTTP {response.status}"

        def attempt_of(pk: int) -> Callable[[], Awaitable[str | None]]:
            return lambda: buyer.attempt(pk)

        warm = await drive([attempt_of(pk) for pk in ids[:WARMUP]], 1, servers.groups)
        await drive([floor_call] * WARMUP, 1, floor_groups)
        if warm.failures:
            raise RuntimeError(f"warm-up punch-ins failed: {warm.errors}")
        queue = ids[WARMUP:]
        for level in levels:
            floor = await drive([floor_call] * per_level, level, floor_groups)
            batch, queue = queue[:per_level], queue[per_level:]
            punchins = await drive([attempt_of(pk) for pk in batch], level, servers.groups)
            rows.append((level, punchins, floor))
            print(f"  concurrency {level}: done", flush=True)
        integrity = None
        if args.integrity:
            jobs = [attempt_of(pk) for pk in queue]
            integrity = await drive(jobs, INTEGRITY_CONCURRENCY, servers.groups)
            print(f"  {len(jobs)} punch-ins at concurrency {INTEGRITY_CONCURRENCY}: done")
    return rows, integrity


INTEGRITY_CONCURRENCY = 16

# Run in each party's own process (``manage shell``): what its database holds.
STOREFRONT_COUNTS = """
import json
from django.db.models import Count
from punchin.storefront.submissions.models import Attempt, PunchInSubmission
print(json.dumps({
    "submissions": PunchInSubmission.objects.count(),
    "accepted": PunchInSubmission.objects.filter(state="accepted").count(),
    "attempts": Attempt.objects.count(),
    "sent twice": PunchInSubmission.objects.annotate(n=Count("attempt_log"))
    .filter(n__gt=1).count(),
}))
"""
PROCUREMENT_COUNTS = """
import json
from django.db.models import Count
from punchin.procurement.punchin.models import PunchInRequest
from punchin.procurement.requisitions.models import Requisition
print(json.dumps({
    "requisitions": Requisition.objects.count(),
    "payloadIDs with two requisitions": Requisition.objects.values("source_payload_id")
    .annotate(n=Count("id")).filter(n__gt=1).count(),
    "answered claims": PunchInRequest.objects.filter(state="answered").count(),
}))
"""


def check_integrity(
    storefront: demo.Party, procurement: demo.Party, data_dir: Path, urls: dict[str, str | None],
    completed: int,
) -> list[str]:  # fmt: skip
    """Every punch-in the driver saw accepted is one accepted submission sent once and
    one requisition; nothing lost, nothing doubled. The problems found, if any."""
    import json

    counts = {}
    for party, code in ((storefront, STOREFRONT_COUNTS), (procurement, PROCUREMENT_COUNTS)):
        with database_url(urls[party.name]):
            counts[party.name] = json.loads(manage_output(party, data_dir, code))
    s, p = counts["storefront"], counts["procurement"]
    print(f"  storefront: {s}\n  procurement: {p}")
    problems = []
    if s["accepted"] != completed:
        problems.append(f"{completed} accepted by the driver, {s['accepted']} in the storefront")
    if s["sent twice"] or s["attempts"] != s["accepted"]:
        problems.append(f"{s['attempts']} attempts for {s['accepted']} accepted submissions")
    if p["requisitions"] != s["accepted"] or p["payloadIDs with two requisitions"]:
        problems.append(f"{p['requisitions']} requisitions for {s['accepted']} punch-ins")
    if p["answered claims"] != p["requisitions"]:
        problems.append(f"{p['answered claims']} answered claims, {p['requisitions']} requisitions")
    return problems


def manage_output(party: demo.Party, data_dir: Path, code: str) -> str:
    return demo.manage(party, data_dir, "shell", "-c", code).strip().splitlines()[-1]


def _ms(values: list[float]) -> str:
    return " ".join(f"{v:>6.1f}" for v in values)


def report(rows: list[Any], pages: list[tuple[str, Round]], integrity: Round | None,
           problems: list[str], args: argparse.Namespace) -> None:  # fmt: skip
    head = (
        f"{'conc':>4} {'completed':>9} {'failures':>8} {'punch-ins/s':>11} {'p50 ms':>7} "
        f"{'p99 ms':>7} {'floor/s':>8} {'floor p50':>9} {'floor p99':>9} {'p50 x floor':>11} "
        f"{'CPU ms':>6} {'store':>6} {'proc':>6} {'db':>6} {'floor CPU':>9}"
    )
    print()
    print(
        f"Punch-in round trip: n={args.n} per level, database {args.database}, "
        f"{args.workers} uvicorn worker(s) per party, metrics "
        f"{'off' if args.no_metrics else 'on'}; {os.cpu_count()} CPUs, "
        f"Python {platform.python_version()}, {platform.system()} {platform.release()}, "
        f"load average {os.getloadavg()[0]:.1f}"
    )
    print(head)
    for level, p, f in rows:
        ratio = p.percentile(0.5) / f.percentile(0.5) if f.latencies else float("nan")
        print(
            f"{level:>4} {p.completed:>9} {p.failures:>8} {p.rate:>11.1f} "
            f"{p.percentile(0.5):>7.1f} {p.percentile(0.99):>7.1f} {f.rate:>8.0f} "
            f"{f.percentile(0.5):>9.2f} {f.percentile(0.99):>9.2f} {ratio:>11.1f} "
            f"{p.cpu_ms:>6.1f} {_ms(p.each_ms())} {f.cpu_ms:>9.2f}"
        )
    print(
        "Timed: the attempt call (setup request, PoomUrl fetch, requisition, StartPage, "
        "acceptance); the submissions were prepared before the clock started.\n"
        "CPU ms: server CPU time per completed punch-in, the total and its parts: "
        "storefront, procurement, database server (PostgreSQL's backends; 0 on SQLite, "
        "which runs inside the parties). floor CPU: of both floor servers per request. "
        "Unlike the rates, CPU does not depend on what else the machine runs."
    )
    if integrity is not None:
        p = integrity
        print(
            f"\nIntegrity: {p.completed + p.failures} punch-ins at concurrency "
            f"{INTEGRITY_CONCURRENCY}: {p.completed} accepted, {p.failures} failures, "
            f"{p.rate:.1f}/s, p99 {p.percentile(0.99):.0f} ms, CPU {p.cpu_ms:.1f} ms "
            f"({_ms(p.each_ms())}); "
            + ("nothing lost or doubled" if not problems else "PROBLEMS: " + "; ".join(problems))
        )
    if pages:
        print(f"\n{'page view':<28} {'views/s':>7} {'p50 ms':>7} {'CPU ms':>6} {'store':>6} "
              f"{'proc':>6} {'db':>6}")  # fmt: skip
        for name, p in pages:
            print(
                f"{name:<28} {p.rate:>7.1f} {p.percentile(0.5):>7.1f} {p.cpu_ms:>6.1f} "
                f"{_ms(p.each_ms())}"
            )
    for level, p, _ in rows:
        for error, count in sorted(p.errors.items(), key=lambda e: -e[1]):
            print(f"  failures at concurrency {level}: {count} x {error}")
    for name, p in pages:
        for error, count in p.errors.items():
            print(f"  failures of {name}: {count} x {error}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-n", type=int, default=300, help="punch-ins per concurrency level")
    parser.add_argument("--concurrency", type=int, nargs="+", default=[1, 8, 32])
    parser.add_argument("--workers", type=int, default=1, help="uvicorn workers per party")
    parser.add_argument("--database", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--integrity", type=int, default=3000, metavar="N",
                        help=f"punch-ins at concurrency {INTEGRITY_CONCURRENCY} checked for "
                        "loss and doubles in both databases (0: none)")  # fmt: skip
    parser.add_argument("--pages", type=int, default=200, metavar="N",
                        help="views of each measured page (0: none)")  # fmt: skip
    parser.add_argument("--no-metrics", action="store_true",
                        help="PUNCHIN_METRICS=0: measure what counting costs")  # fmt: skip
    parser.add_argument("--keep", action="store_true", help="keep the data directory")
    args = parser.parse_args()

    data_dir = Path(tempfile.mkdtemp(prefix="punchin-bench-"))
    storefront = demo.Party("storefront", "Storefront", free_port())
    procurement = demo.Party("procurement", "Procurement", free_port())
    urls: dict[str, str | None] = {"storefront": None, "procurement": None}
    server = None
    if args.database == "postgres":
        server = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/test")
        urls.update(fresh_postgres_databases(server))
    processes: list[subprocess.Popen[bytes]] = []
    try:
        print(f"migrating and seeding both parties in {data_dir} ...", flush=True)
        for party in (storefront, procurement):
            with database_url(urls[party.name]):
                demo.manage(party, data_dir, "migrate", "--noinput")
        with database_url(urls["storefront"]):
            demo.manage(storefront, data_dir, "seed_demo", "--procurement-url", procurement.url)
        with database_url(urls["procurement"]):
            demo.manage(procurement, data_dir, "seed_demo", "--storefront-url", storefront.url)
        for party in (storefront, procurement):
            with database_url(urls[party.name]):
                env = demo.party_env(party, data_dir)
                env["PUNCHIN_METRICS"] = "0" if args.no_metrics else "1"
                app = f"punchin.{party.name}.asgi:application"
                processes.append(uvicorn(app, party.port, env, args.workers))
        floor_b_port, floor_a_port = free_port(), free_port()
        floor_env = dict(os.environ, FLOOR_B_URL=f"http://127.0.0.1:{floor_b_port}/document")
        floor_env["PYTHONPATH"] = os.pathsep.join([str(Path(__file__).parent), *sys.path])
        processes.append(
            uvicorn("punchin_roundtrip:floor_b", floor_b_port, floor_env, args.workers)
        )
        processes.append(
            uvicorn("punchin_roundtrip:floor_a", floor_a_port, floor_env, args.workers)
        )
        for party, process in zip((storefront, procurement), processes, strict=False):
            demo.wait_until_listening(party, process, 30)
            print(f"  {party.title} on {party.url}, pid {process.pid}", flush=True)
        for port, process in ((floor_b_port, processes[2]), (floor_a_port, processes[3])):
            demo.wait_until_listening(demo.Party("floor", "Floor", port), process, 30)
        databases = [url.rpartition("/")[2] for url in urls.values() if url]
        servers = Servers([p.pid for p in processes[:2]], server, databases)
        rows, integrity = asyncio.run(
            measure(
                args,
                storefront.url,
                f"http://127.0.0.1:{floor_a_port}/punchin",
                servers,
                [p.pid for p in processes[2:]],
            )
        )
        problems = []
        if integrity is not None:
            completed = sum(r[1].completed for r in rows) + WARMUP + integrity.completed
            problems = check_integrity(storefront, procurement, data_dir, urls, completed)
        pages = []
        if args.pages:
            print("page views ...", flush=True)
            pages = asyncio.run(page_views(storefront.url, procurement.url, servers, args.pages))
        report(rows, pages, integrity, problems, args)
        return 1 if problems else 0
    finally:
        demo.stop(processes)
        if not args.keep:
            shutil.rmtree(data_dir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
