"""``check_supplier`` against fake suppliers that misbehave, one way each.

The checker's endpoint and the fake supplier run on loopback in one event loop; the
test asserts the finding the misbehaviour must produce, and that the rest still passes.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

from punchin.conformance import (
    Expected,
    Report,
    SupplierCheck,
    SupplierEndpoint,
    Verdict,
)

from .fake_suppliers import FakeSupplier
from .fakes import SECRET


def run(
    dtd_dir: Path, expected: Expected | None = None, **fake: Any
) -> tuple[Report, FakeSupplier]:
    async def scenario() -> tuple[Report, FakeSupplier]:
        check = SupplierCheck(
            expected=expected or Expected(),
            dtd_dir=dtd_dir,
            wait=5,
            retry_wait=1,
            landing_wait=1,
        )
        supplier = FakeSupplier(**fake)
        async with SupplierEndpoint(check) as endpoint:
            report = asyncio.create_task(endpoint.run())
            await supplier.punch_in(endpoint.url)
            return await report, supplier

    return asyncio.run(scenario())


def failure(report: Report, check: str, step: str) -> str:
    """The reason of the FAIL of ``check`` at ``step``; an AssertionError if none."""
    found = [f for f in report.failures if (f.check, f.step) == (check, step)]
    assert found, "\n".join(map(str, report))
    return found[0].reason


def test_a_well_behaved_supplier_passes_every_step(dtd_dir: Path) -> None:
    report, supplier = run(dtd_dir, Expected(shared_secret=SECRET, sender_identity="TestStore"))
    assert report.exit_code == 0, "\n".join(map(str, report))
    assert [f for f in report if f.verdict is Verdict.WARN] == [], "\n".join(map(str, report))
    assert [r.status for r in supplier.replies] == [500, 200]
    for step, check in [
        ("Setup request", "SharedSecret"),
        ("Setup request", "UserEmail"),
        ("Setup request", "PoomUrl"),
        ("Setup request", "BuyerCookie"),
        ("Setup request", "operation"),
        ("Setup request", "DTD-valid"),
        ("Setup request", "User-Agent"),
        ("Cart", "payloadID"),
        ("Cart", "DTD-valid"),
        ("Cart", "Total"),
        ("Retry", "Retried after 500"),
        ("Retry", "Same payloadID"),
        ("Retry", "Cart on retry"),
        ("StartPage", "StartPage opened"),
    ]:
        assert report.verdict_of(check, step) is Verdict.PASS, (step, check)


def test_a_supplier_that_does_not_retry_fails(dtd_dir: Path) -> None:
    report, _ = run(dtd_dir, retry=False)
    reason = failure(report, "Retried after 500", "Retry")
    assert "a cXML Status 500 asks the supplier to send the same request again (P23)" in reason


def test_a_retry_with_a_new_payload_id_fails(dtd_dir: Path) -> None:
    report, _ = run(dtd_dir, new_payload_id=True)
    reason = failure(report, "Same payloadID", "Retry")
    assert "a retry is the same request" in reason
    assert "(P15, P23)" in reason


def test_a_cart_with_another_payload_id_fails(dtd_dir: Path) -> None:
    report, _ = run(dtd_dir, cart_payload_id="another.cart@store.example")
    reason = failure(report, "payloadID", "Cart")
    assert reason.startswith("another.cart@store.example differs from the request's")
    assert "(P15)" in reason


def test_a_request_without_a_shared_secret_fails(dtd_dir: Path) -> None:
    report, _ = run(dtd_dir, shared_secret=False)
    reason = failure(report, "SharedSecret", "Setup request")
    assert "none in the Sender's credential" in reason
    assert "(P16)" in reason


def test_a_wrong_shared_secret_fails_without_showing_either(dtd_dir: Path) -> None:
    report, _ = run(dtd_dir, Expected(shared_secret="not-" + SECRET))
    assert "not the configured one" in failure(report, "SharedSecret", "Setup request")
    assert all(SECRET not in str(f) for f in report)


def test_a_user_agent_not_of_punch_in_is_a_warning(dtd_dir: Path) -> None:
    report, _ = run(dtd_dir, user_agent="python-requests/2.31")
    assert report.verdict_of("User-Agent", "Setup request") is Verdict.WARN
    assert report.exit_code == 0


def test_a_supplier_that_never_opens_the_start_page_is_a_warning(dtd_dir: Path) -> None:
    report, _ = run(dtd_dir, open_start_page=False)
    assert report.verdict_of("StartPage opened", "StartPage") is Verdict.WARN
    assert report.exit_code == 0


def test_no_request_at_all_fails() -> None:
    async def scenario() -> Report:
        async with SupplierEndpoint(SupplierCheck(wait=0.2)) as endpoint:
            return await endpoint.run()

    report = asyncio.run(scenario())
    assert "no request at" in failure(report, "Received", "Setup request")
