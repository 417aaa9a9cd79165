"""``punchin demo`` as a user runs it: the real command, real servers, then Ctrl-C.

The command must print both sites, every cXML endpoint with the Punch-in endpoint
first, and the demo logins; both sites must answer; the Punch-in endpoint must answer
nonsense with a cXML Status 400 (never a stack trace); and Ctrl-C must stop both
parties, leaving no process behind and the ports free.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from punchin.cxml import parse
from punchin.cxml.envelope import Response
from punchin.web import demo as logins
from tests.e2e.servers import free_ports, is_listening

READY = "Press Ctrl-C to stop both parties."


@dataclass
class RunningDemo:
    process: subprocess.Popen[str]
    storefront_port: int
    procurement_port: int
    sso_port: int
    banner: str

    @property
    def storefront(self) -> str:
        return f"http://127.0.0.1:{self.storefront_port}"

    @property
    def procurement(self) -> str:
        return f"http://127.0.0.1:{self.procurement_port}"


def read_until(process: subprocess.Popen[str], marker: str, timeout: float, log: Path) -> str:
    """Everything the command prints up to and including the line with ``marker``;
    fails with the command's output and its servers' log if the marker never comes."""
    assert process.stdout is not None
    lines: list[str] = []
    done = threading.Event()

    def pump() -> None:
        assert process.stdout is not None
        for line in process.stdout:
            lines.append(line)
            if marker in line:
                break
        done.set()

    threading.Thread(target=pump, daemon=True).start()
    printed = "".join(lines) if done.wait(timeout) else None
    if printed is None or marker not in printed:
        pytest.fail(
            f"no {marker!r} within {timeout:.0f} s; printed:\n{''.join(lines)}\n"
            f"log:\n{log.read_text(errors='replace')[-4000:]}"
        )
    return printed


@pytest.fixture
def running_demo(tmp_path: Path) -> Iterator[RunningDemo]:
    command = shutil.which("punchin", path=str(Path(sys.executable).parent))
    assert command is not None, "the punchin entry point is not installed (pip install -e .)"
    storefront_port, procurement_port, sso_port = free_ports(3)
    log = tmp_path / "demo.log"
    # Its own session, like a terminal's foreground job: Ctrl-C signals the whole group.
    with log.open("w") as stderr:
        process = subprocess.Popen(
            [
                command, "demo", "--data-dir", str(tmp_path / "data"),
                "--storefront-port", str(storefront_port),
                "--procurement-port", str(procurement_port),
                "--sso-port", str(sso_port),
            ],
            stdout=subprocess.PIPE, stderr=stderr, text=True, start_new_session=True,
        )  # fmt: skip
    try:
        banner = read_until(process, READY, timeout=120, log=log)
        yield RunningDemo(process, storefront_port, procurement_port, sso_port, banner)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
        assert process.stdout is not None
        process.stdout.close()


def get(url: str) -> int:
    with urllib.request.urlopen(url, timeout=10) as answer:  # noqa: S310 (http on loopback)
        return int(answer.status)


def test_demo_prints_sites_endpoints_and_logins_serves_and_stops_on_ctrl_c(
    running_demo: RunningDemo,
) -> None:
    demo, banner = running_demo, running_demo.banner
    storefront, procurement = demo.storefront, demo.procurement

    assert re.search(rf"Storefront \(supplier\)\s+{re.escape(storefront)}/\n", banner)
    assert re.search(rf"Procurement \(e-procurement\)\s+{re.escape(procurement)}/\n", banner)
    endpoints = banner.split("cXML endpoints\n", 1)[1].split("\n\n", 1)[0].splitlines()
    assert endpoints[0].endswith(f"POST {procurement}/cxml/punchin")
    assert "Punch-in endpoint" in endpoints[0]
    assert any(line.endswith(f"GET  {storefront}/cxml/poom/<token>") for line in endpoints)
    for path in ("confirmation", "shipnotice", "invoice", "profile"):
        assert any(line.endswith(f"POST {procurement}/cxml/{path}") for line in endpoints)
    for path in ("status", "order", "profile", "punchout"):
        assert any(line.endswith(f"POST {storefront}/cxml/{path}") for line in endpoints)
    # PunchOut the other way: procurement's requesters shop at the store.
    browser = banner.split("PunchOut through the browser", 1)[1].split("\n\n", 1)[0]
    assert f"GET  {procurement}/punchout/\n" in browser
    assert f"GET  {storefront}/punchout/start/<token>\n" in browser
    assert browser.endswith(f"POST {procurement}/punchout/return/<token>")
    for email in (
        logins.PUNCHIN_BUYER,
        logins.DIRECT_BUYER,
        logins.STORE_ADMIN,
        logins.FULFILMENT_STAFF,
        logins.STORE_STAFF_ADMIN,
        logins.APPROVER,
        logins.PROCUREMENT_ADMIN,
        logins.RECEIVING_DESK,
    ):
        assert email in banner
    assert f"password for all: {logins.PASSWORD}" in banner
    # The third process: the OpenID provider Acme's single sign-on user signs in at.
    sso = f"http://127.0.0.1:{demo.sso_port}"
    assert re.search(rf"OpenID provider \(Acme's single sign-on, demo only\) {sso}/\n", banner)
    assert f"Single sign-on {logins.SSO_BUYER}" in banner
    with urllib.request.urlopen(f"{sso}/.well-known/openid-configuration", timeout=10) as answer:  # noqa: S310
        assert json.load(answer)["issuer"] == sso

    # Both sites answer (procurement's home sends a visitor to its login page, as
    # Shop at suppliers does).
    assert get(f"{storefront}/") == 200
    assert get(f"{procurement}/") == 200
    assert get(f"{procurement}/punchout/") == 200

    # Every cXML endpoint listed refuses nonsense with a cXML Status 400 (P23), not a
    # traceback (and not a 404: the banner lists only what is served).
    posted = [line.rsplit(" ", 1)[1] for line in endpoints if " POST " in line]
    assert len(posted) == 9
    for url in posted:
        bad = urllib.request.Request(  # noqa: S310 (http on loopback)
            url,
            data=b"<cXML><not-closed>",
            headers={"Content-Type": "text/xml; charset=UTF-8"},
            method="POST",
        )
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(bad, timeout=10)  # noqa: S310
        assert refused.value.code == 400, url
        assert refused.value.headers.get_content_type() == "text/xml"
        body = parse(refused.value.read()).body
        assert isinstance(body, Response)
        assert body.status.code == 400

    # Ctrl-C: the terminal signals the whole foreground group.
    started = time.monotonic()
    os.killpg(demo.process.pid, signal.SIGINT)
    assert demo.process.wait(timeout=15) == 0
    assert demo.process.stdout is not None
    assert "Both parties stopped." in demo.process.stdout.read()
    assert time.monotonic() - started < 10
    assert not is_listening(demo.storefront_port)
    assert not is_listening(demo.procurement_port)
    assert not is_listening(demo.sso_port)
    with pytest.raises(ProcessLookupError):  # no uvicorn left behind in the group
        os.killpg(demo.process.pid, 0)
