"""``punchin check``: one line per finding, exit 0 without FAIL, one-line usage errors."""

from __future__ import annotations

import asyncio
import json
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from xml.etree import ElementTree as ET

import pytest
from click.testing import CliRunner

from punchin.cli import main

from .fake_suppliers import FakeSupplier
from .fakes import SECRET, FakeEndpoint


@pytest.fixture
def endpoint(request: pytest.FixtureRequest) -> Iterator[FakeEndpoint]:
    """A FakeEndpoint (options by indirect parametrisation) in its own thread and loop,
    since the command runs an event loop of its own."""
    options: dict[str, Any] = getattr(request, "param", {})
    loop = asyncio.new_event_loop()
    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()
    fake = FakeEndpoint(**options)
    asyncio.run_coroutine_threadsafe(fake.__aenter__(), loop).result(10)
    yield fake
    asyncio.run_coroutine_threadsafe(fake.__aexit__(), loop).result(10)
    loop.call_soon_threadsafe(loop.stop)
    thread.join(10)
    loop.close()


def invoke(*args: str, **env: str) -> Any:
    return CliRunner().invoke(main, list(args), env=env)


def endpoint_args(url: str, dtd_dir: Path, *extra: str) -> list[str]:
    return [
        "check",
        "punchin-endpoint",
        url,
        "--from-identity",
        "TestStore",
        "--to-identity",
        "AcmeProcurement",
        "--user-email",
        "buyer@acme.example",
        "--dtd-dir",
        str(dtd_dir),
        *extra,
    ]


def test_a_conformant_endpoint_exits_0(endpoint: FakeEndpoint, dtd_dir: Path) -> None:
    result = invoke(
        *endpoint_args(endpoint.url, dtd_dir, "--probe-refusals", "--bearer", "tok-123"),
        PUNCHIN_CHECK_SHARED_SECRET=SECRET,
    )
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert all(line.split("  ", 1)[0] in ("PASS", "INFO") for line in lines), result.stdout
    assert "PASS  Refuses a wrong SharedSecret" in result.stdout
    assert "WARN" not in result.stderr
    assert endpoint.headers[0]["Authorization"] == "Bearer tok-123"
    assert SECRET not in result.output


@pytest.mark.parametrize("endpoint", [{"fetch": False}], indirect=True)
def test_a_failing_check_exits_1(endpoint: FakeEndpoint, dtd_dir: Path) -> None:
    result = invoke(*endpoint_args(endpoint.url, dtd_dir, "--shared-secret", SECRET))
    assert result.exit_code == 1
    assert "FAIL  PoomUrl fetched: never" in result.stdout
    assert "1 FAIL" in result.stderr


def test_test_mode_is_the_default_and_basic_auth_is_sent(
    endpoint: FakeEndpoint, dtd_dir: Path
) -> None:
    """A check is a test: nothing it sends should become a real requisition."""
    args = endpoint_args(endpoint.url, dtd_dir, "--basic", "store:pw")
    result = invoke(*args, PUNCHIN_CHECK_SHARED_SECRET=SECRET)
    assert result.exit_code == 0, result.output
    assert b'deploymentMode="test"' in endpoint.received[0]
    assert "deploymentMode test" in result.stdout
    assert endpoint.headers[0]["Authorization"] == "Basic c3RvcmU6cHc="


def test_production_mode_is_sent_only_when_asked_for(endpoint: FakeEndpoint, dtd_dir: Path) -> None:
    args = endpoint_args(endpoint.url, dtd_dir, "--production-mode")
    result = invoke(*args, PUNCHIN_CHECK_SHARED_SECRET=SECRET)
    assert result.exit_code == 0, result.output
    assert b'deploymentMode="production"' in endpoint.received[0]


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (("--basic", "nocolon"), "expected USER:PASSWORD"),
        (("--basic", "a:b", "--bearer", "t"), "choose one authentication scheme"),
        (("--bearer", "has space"), "whitespace"),
    ],
)
def test_usage_errors_are_one_line(extra: tuple[str, ...], message: str, dtd_dir: Path) -> None:
    args = endpoint_args("http://127.0.0.1:9/cxml/punchin", dtd_dir, *extra)
    result = invoke(*args, PUNCHIN_CHECK_SHARED_SECRET=SECRET)
    assert result.exit_code == 2
    assert message in result.output
    assert "Traceback" not in result.output


def test_an_unreachable_endpoint_is_one_fail_line(dtd_dir: Path) -> None:
    args = endpoint_args("http://127.0.0.1:9/cxml/punchin", dtd_dir, "--shared-secret", "x")
    result = invoke(*args)
    assert result.exit_code == 1
    assert "FAIL  HTTP status: no answer: cannot connect to 127.0.0.1:9" in result.stdout


def test_check_poom_reports_the_cart(dtd_dir: Path) -> None:
    """The PoomUrl of a fake supplier's cart, fetched by the command."""
    from .test_poom import PAYLOAD_ID, cart_bytes, supplier

    outcome: dict[str, Any] = {}

    async def scenario() -> None:
        async with supplier(200, cart_bytes(), {"Content-Type": "text/xml"}) as url:
            outcome["result"] = await asyncio.to_thread(
                invoke, "check", "poom", url, "--payload-id", PAYLOAD_ID, "--dtd-dir", str(dtd_dir)
            )

    asyncio.run(scenario())
    result = outcome["result"]
    assert result.exit_code == 0, result.output
    assert f"PASS  payloadID: {PAYLOAD_ID}" in result.stdout
    assert "PASS  ItemIn 2: 1 CS B01PAPER10" in result.stdout
    assert "PASS  Total: 234.47 USD, the sum of the lines" in result.stdout


def junit(path: Path) -> tuple[int, int, list[ET.Element]]:
    """Read a JUnit report back: its tests and failures counts, and its testcases."""
    root = ET.parse(path).getroot()  # noqa: S314 (our own file)
    assert root.tag == "testsuites"
    cases = root.findall("testsuite/testcase")
    assert int(root.get("tests", "-1")) == len(cases)
    assert sum(int(s.get("tests", "-1")) for s in root.findall("testsuite")) == len(cases)
    return len(cases), int(root.get("failures", "-1")), cases


def test_punchin_endpoint_writes_junit(
    endpoint: FakeEndpoint, dtd_dir: Path, tmp_path: Path
) -> None:
    report = tmp_path / "endpoint.xml"
    args = endpoint_args(endpoint.url, dtd_dir, "--report", str(report))
    result = invoke(*args, PUNCHIN_CHECK_SHARED_SECRET=SECRET)
    assert result.exit_code == 0, result.output
    tests, failures, cases = junit(report)
    judged = [line for line in result.stdout.splitlines() if not line.startswith("INFO")]
    assert (tests, failures) == (len(judged), 0)
    assert {c.get("name") for c in cases} >= {"HTTP status", "cXML Status", "PoomUrl fetched"}


@pytest.mark.parametrize("endpoint", [{"fetch": False}], indirect=True)
def test_a_failure_is_a_junit_failure(
    endpoint: FakeEndpoint, dtd_dir: Path, tmp_path: Path
) -> None:
    report = tmp_path / "endpoint.xml"
    args = endpoint_args(endpoint.url, dtd_dir, "--shared-secret", SECRET, "--report", str(report))
    assert invoke(*args).exit_code == 1
    _, failures, cases = junit(report)
    assert failures == 1
    failed = [c for c in cases if c.find("failure") is not None]
    assert [c.get("name") for c in failed] == ["PoomUrl fetched"]
    assert "never" in (failed[0].find("failure").get("message") or "")  # type: ignore[union-attr]


def test_a_report_file_must_be_xml_json_or_html(dtd_dir: Path) -> None:
    args = endpoint_args("http://127.0.0.1:9/cxml/punchin", dtd_dir, "--report", "out.txt")
    result = invoke(*args, PUNCHIN_CHECK_SHARED_SECRET=SECRET)
    assert result.exit_code == 2
    assert ".xml (JUnit), .json or .html" in result.output


def test_check_poom_writes_junit_and_json(dtd_dir: Path, tmp_path: Path) -> None:
    from .test_poom import PAYLOAD_ID, cart_bytes, supplier

    results: list[Any] = []

    async def scenario() -> None:
        async with supplier(200, cart_bytes(), {"Content-Type": "text/xml"}) as url:
            for name in ("poom.xml", "poom.json"):
                args = ["check", "poom", url, "--payload-id", PAYLOAD_ID]
                args += ["--dtd-dir", str(dtd_dir), "--report", str(tmp_path / name)]
                results.append(await asyncio.to_thread(invoke, *args))

    asyncio.run(scenario())
    assert [r.exit_code for r in results] == [0, 0]
    tests, failures, _ = junit(tmp_path / "poom.xml")
    data = json.loads((tmp_path / "poom.json").read_text())
    assert data["verdict"] == "PASS"
    assert data["command"] == "punchin check poom"
    judged = [f for f in data["findings"] if f["verdict"] != "INFO"]
    assert (tests, failures) == (len(judged), 0)
    assert {"step": "", "check": "Total", "verdict": "PASS"}.items() <= next(
        f for f in data["findings"] if f["check"] == "Total"
    ).items()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port


async def listening(port: int, seconds: float = 10) -> None:
    deadline = time.monotonic() + seconds
    while True:
        try:
            _, writer = await asyncio.open_connection("127.0.0.1", port)
        except OSError:
            if time.monotonic() > deadline:
                raise
            await asyncio.sleep(0.05)
        else:
            writer.close()
            await writer.wait_closed()
            return


def check_supplier_by_command(dtd_dir: Path, report: Path, **fake: Any) -> Any:
    """``punchin check supplier`` in a thread; a FakeSupplier punches in to it."""
    port = free_port()
    args = ["check", "supplier", "--port", str(port), "--dtd-dir", str(dtd_dir)]
    args += ["--retry-wait", "2", "--landing-wait", "2", "--report", str(report)]

    async def scenario() -> Any:
        command = asyncio.create_task(
            asyncio.to_thread(invoke, *args, PUNCHIN_CHECK_SHARED_SECRET=SECRET)
        )
        await listening(port)
        await FakeSupplier(**fake).punch_in(f"http://127.0.0.1:{port}/cxml/punchin")
        return await command

    return asyncio.run(scenario())


def test_check_supplier_passes_a_good_supplier_and_writes_junit(
    dtd_dir: Path, tmp_path: Path
) -> None:
    result = check_supplier_by_command(dtd_dir, tmp_path / "supplier.xml")
    assert result.exit_code == 0, result.output
    assert "Point the supplier's Punch-in endpoint URL at http://127.0.0.1:" in result.stderr
    assert "PASS  [Retry] Same payloadID: the same document byte for byte" in result.stdout
    assert SECRET not in result.output
    tests, failures, cases = junit(tmp_path / "supplier.xml")
    assert failures == 0
    assert tests == sum(1 for line in result.stdout.splitlines() if not line.startswith("INFO"))
    assert ("punchin_check_supplier.Retry", "Same payloadID") in {
        (c.get("classname"), c.get("name")) for c in cases
    }


def test_check_supplier_names_the_rule_a_bad_supplier_breaks(dtd_dir: Path, tmp_path: Path) -> None:
    result = check_supplier_by_command(dtd_dir, tmp_path / "supplier.html", new_payload_id=True)
    assert result.exit_code == 1
    assert "FAIL  [Retry] Same payloadID:" in result.stdout
    page = (tmp_path / "supplier.html").read_text()
    assert "<h1>punchin check supplier: <span" in page
    assert "a retry is the same request" in page
    assert "<script" not in page
