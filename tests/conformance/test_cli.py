"""``punchin check``: one line per finding, exit 0 without FAIL, one-line usage errors."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from punchin.cli import main

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


def test_the_test_mode_and_basic_auth_are_sent(endpoint: FakeEndpoint, dtd_dir: Path) -> None:
    args = endpoint_args(endpoint.url, dtd_dir, "--test-mode", "--basic", "store:pw")
    result = invoke(*args, PUNCHIN_CHECK_SHARED_SECRET=SECRET)
    assert result.exit_code == 0, result.output
    assert b'deploymentMode="test"' in endpoint.received[0]
    assert endpoint.headers[0]["Authorization"] == "Basic c3RvcmU6cHc="


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
