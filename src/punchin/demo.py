"""``punchin demo``: both parties on one machine, seeded so the journey works at once.

Each party is its own uvicorn process (uvloop + httptools, the production stack) with
its own SQLite database under the data directory, exactly as two companies would run
them: they share nothing but cXML over HTTP. A third process, the OpenID provider
``punchin.idp``, signs Acme's one single sign-on user in to procurement.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from punchin.web import demo as credentials


@dataclass(frozen=True, slots=True)
class Party:
    name: str
    title: str
    port: int
    host: str = "127.0.0.1"

    @property
    def settings(self) -> str:
        return f"punchin.{self.name}.settings"

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"


DEMO_SALES_TAX_PERCENT = "6.25"


def party_env(party: Party, data_dir: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE=party.settings,
        PUNCHIN_DATA_DIR=str(data_dir / party.name),
        PUNCHIN_DEV="1",
        PUNCHIN_PUBLIC_URL=party.url,
        PYTHONUNBUFFERED="1",
    )
    env.setdefault("PUNCHIN_LOG_FORMAT", "text")  # a console to read; JSON for collectors
    if party.name == "storefront":
        # The demo store estimates Illinois' sales tax at checkout (docs/checkout.md).
        env.setdefault("PUNCHIN_SALES_TAX_PERCENT", DEMO_SALES_TAX_PERCENT)
    return env


def manage(party: Party, data_dir: Path, *args: str) -> str:
    """Run a Django management command for ``party``; return its output, or fail
    loudly with it."""
    command = [sys.executable, "-m", "django", *args, "--settings", party.settings]
    result = subprocess.run(
        command, env=party_env(party, data_dir), capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        raise RuntimeError(
            f"{party.title}: `{' '.join(args)}` failed:\n{result.stdout}{result.stderr}"
        )
    return result.stdout


def prepare(storefront: Party, procurement: Party, data_dir: Path, sso_issuer: str = "") -> None:
    """Migrate, collect static files and seed both parties (idempotent); with
    ``sso_issuer``, procurement's Acme signs in at that OpenID provider.

    The parties share nothing but each other's URL, so both are prepared at the same
    time (the demo and every end-to-end run wait for the slower one, not the sum).
    """

    def one(party: Party, *seed: str) -> None:
        manage(party, data_dir, "migrate", "--noinput")
        manage(party, data_dir, "collectstatic", "--noinput")
        manage(party, data_dir, "seed_demo", *seed)

    with ThreadPoolExecutor(max_workers=2) as pool:
        jobs = [
            pool.submit(one, storefront, "--procurement-url", procurement.url),
            pool.submit(
                one,
                procurement,
                "--storefront-url",
                storefront.url,
                *(("--sso-issuer", sso_issuer) if sso_issuer else ()),
            ),
        ]
        for job in jobs:
            job.result()


def serve(party: Party, data_dir: Path, output: IO[bytes] | None = None) -> subprocess.Popen[bytes]:
    """Start ``party`` under uvicorn; its log goes to ``output`` (default: ours)."""
    command = [
        sys.executable, "-m", "uvicorn", f"punchin.{party.name}.asgi:application",
        "--host", party.host, "--port", str(party.port),
        "--loop", "uvloop", "--http", "httptools", "--no-access-log",
        "--timeout-graceful-shutdown", "5",
    ]  # fmt: skip
    stderr = None if output is None else subprocess.STDOUT
    return subprocess.Popen(command, env=party_env(party, data_dir), stdout=output, stderr=stderr)


def work(party: Party, data_dir: Path, output: IO[bytes] | None = None) -> subprocess.Popen[bytes]:
    """Start ``party``'s delivery worker: it sends the queued outbound documents."""
    command = [
        sys.executable, "-m", "django", "delivery_worker", "--settings", party.settings,
        "--no-startup-delay", "--interval", "0.5",
    ]  # fmt: skip
    stderr = None if output is None else subprocess.STDOUT
    return subprocess.Popen(command, env=party_env(party, data_dir), stdout=output, stderr=stderr)


def identity_provider(
    idp: Party, procurement: Party, output: IO[bytes] | None = None
) -> subprocess.Popen[bytes]:
    """Start the OpenID provider with the demo's client (procurement) and SSO user."""
    command = [
        sys.executable, "-m", "punchin.idp", "--host", idp.host, "--port", str(idp.port),
        "--title", "Acme sign-in (demo identity provider)",
        "--client", f"{credentials.SSO_CLIENT_ID}:{credentials.SSO_CLIENT_SECRET}:"
        f"{procurement.url}/accounts/sso/oidc/callback",
        "--account", f"{credentials.SSO_BUYER}:{credentials.PASSWORD}:Sam:Sso",
    ]  # fmt: skip
    stderr = None if output is None else subprocess.STDOUT
    return subprocess.Popen(command, stdout=output, stderr=stderr)


def start(
    parties: Sequence[Party], data_dir: Path, output: IO[bytes] | None = None
) -> list[subprocess.Popen[bytes]]:
    """Each party's web server, then each party's worker; servers come first in the list."""
    servers = [serve(party, data_dir, output) for party in parties]
    return servers + [work(party, data_dir, output) for party in parties]


def wait_until_listening(party: Party, process: subprocess.Popen[bytes], timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{party.title} exited with code {process.returncode}")
        try:
            with socket.create_connection((party.host, party.port), timeout=0.2):
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"{party.title} did not listen on {party.url} within {timeout:.0f} s")


def banner(storefront: Party, procurement: Party, data_dir: Path, idp: Party) -> str:
    pw = credentials.PASSWORD
    start_page = f"{storefront.url}/punchout/start/<token>"
    form_post = f"{procurement.url}/punchout/return/<token>"
    return f"""
punchin demo is running (data in {data_dir})

  Storefront (supplier)      {storefront.url}/
  Procurement (e-procurement) {procurement.url}/
  OpenID provider (Acme's single sign-on, demo only) {idp.url}/

cXML endpoints
  Procurement  Punch-in endpoint (PunchOutSetupRequest)  POST {procurement.url}/cxml/punchin
  Procurement  ConfirmationRequest                       POST {procurement.url}/cxml/confirmation
  Procurement  ShipNoticeRequest                         POST {procurement.url}/cxml/shipnotice
  Procurement  InvoiceDetailRequest                      POST {procurement.url}/cxml/invoice
  Procurement  ProfileRequest (what it takes, and where)  POST {procurement.url}/cxml/profile
  Storefront   PoomUrl (PunchOutOrderMessage, 60 s)       GET  {storefront.url}/cxml/poom/<token>
  Storefront   StatusUpdateRequest (approved/rejected)   POST {storefront.url}/cxml/status
  Storefront   OrderRequest (purchase orders)            POST {storefront.url}/cxml/order
  Storefront   ProfileRequest (what it takes, and where)  POST {storefront.url}/cxml/profile
  Storefront   PunchOut (PunchOutSetupRequest)           POST {storefront.url}/cxml/punchout

PunchOut through the browser (procurement's requesters shop at the store)
  Procurement  Shop at suppliers                         GET  {procurement.url}/punchout/
  Storefront   StartPage (once, within 5 minutes)        GET  {start_page}
  Procurement  BrowserFormPost (the cart comes back)     POST {form_post}

Demo logins (password for all: {pw})
  Storefront   {credentials.PUNCHIN_BUYER:<34} Punch-in buyer: "Submit order for approval"
  Storefront   {credentials.DIRECT_BUYER:<34} direct buyer: "Place order"
  Storefront   {credentials.STORE_ADMIN:<34} account admin: Business Settings > Systems integrations
  Storefront   {credentials.FULFILMENT_STAFF:<34} fulfilment staff: {storefront.url}/staff/orders/
  Storefront   {credentials.STORE_STAFF_ADMIN:<34} the store's site admin: {storefront.url}/admin/
  Procurement  {credentials.PUNCHIN_BUYER:<34} requester: Punch-in lands here; Shop at suppliers
  Procurement  {credentials.APPROVER:<34} approver: {procurement.url}/approvals/
  Procurement  {credentials.FINANCE:<34} finance: Spend and Reconciliation
  Procurement  {credentials.PROCUREMENT_ADMIN:<34} procurement admin: partners, policy, admin
  Procurement  {credentials.RECEIVING_DESK:<34} receiving desk: "Receive" on a purchase order
  Single sign-on {credentials.SSO_BUYER:<32} signs in to procurement at Acme's OpenID provider:
               punch in from the storefront as this user, or "Sign in with your
               organisation" on procurement's login page

Try it: sign in to the storefront as the Punch-in buyer, search "toner", add to cart,
check out and press "Submit order for approval". Or PunchOut: sign in to procurement as
the requester, open Shop at suppliers, shop at the store and press "Transfer cart".
Each party runs a delivery worker for its outbound documents.
Press Ctrl-C to stop both parties.
"""


def stop(processes: Sequence[subprocess.Popen[bytes]], grace: float = 8.0) -> None:
    """Ask every process to stop, then insist: nothing is left running."""
    for process in processes:
        if process.poll() is None:
            process.send_signal(signal.SIGINT)
    deadline = time.monotonic() + grace
    for process in processes:
        try:
            process.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


_STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)


def _stop_on_signals() -> dict[int, Any]:
    """Ctrl-C and SIGTERM stop the demo, whatever it inherited: started with SIGINT
    ignored (``punchin demo &`` in a script, nohup) Python would leave Ctrl-C's
    signal ignored. Installed before any party starts, so each starts with both at
    their defaults (a caught signal is reset on exec, an ignored one is not) and a
    terminal's Ctrl-C reaches them too. Returns the handlers it replaced."""

    def on_signal(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    return {signum: signal.signal(signum, on_signal) for signum in _STOP_SIGNALS}


def run(
    storefront_port: int,
    procurement_port: int,
    data_dir: Path,
    echo: Callable[[str], None] = print,
    sso_port: int = 8003,
) -> int:
    """Prepare and run both parties and the OpenID provider until Ctrl-C or SIGTERM;
    return the exit code."""
    data_dir = data_dir.resolve()
    storefront = Party("storefront", "Storefront", storefront_port)
    procurement = Party("procurement", "Procurement", procurement_port)
    idp = Party("idp", "OpenID provider", sso_port)
    previous = _stop_on_signals()
    processes: list[subprocess.Popen[bytes]] = []
    stopping = False
    try:
        echo(f"Preparing databases in {data_dir} ...")
        prepare(storefront, procurement, data_dir, sso_issuer=idp.url)
        processes += start((storefront, procurement), data_dir)
        processes.append(identity_provider(idp, procurement))
        wait_until_listening(storefront, processes[0], 30)
        wait_until_listening(procurement, processes[1], 30)
        wait_until_listening(idp, processes[-1], 30)
        echo(banner(storefront, procurement, data_dir, idp))
        while all(p.poll() is None for p in processes):
            time.sleep(0.5)
        failed = [p for p in processes if p.returncode not in (None, 0)]
        return 1 if failed else 0
    except KeyboardInterrupt:
        stopping = True
        return 0
    finally:
        for signum in previous:  # a second Ctrl-C must not cut the stopping short
            signal.signal(signum, signal.SIG_IGN)
        stop(processes)
        for signum, handler in previous.items():
            signal.signal(signum, handler)
        if stopping:
            echo("Both parties stopped.")
