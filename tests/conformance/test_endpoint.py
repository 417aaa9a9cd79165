"""``check_punchin_endpoint`` against fake endpoints that misbehave, one way each.

Each fake is an aiohttp server on loopback (``fakes.FakeEndpoint``); the checker runs
for real (its own PoomUrl server, ``punchin.transport``), and the test asserts the
finding the misbehaviour must produce, and that the rest still passes.
"""

from __future__ import annotations

import asyncio
import itertools
from pathlib import Path
from typing import Any

from punchin.conformance import EndpointCheck, Report, Verdict, check_punchin_endpoint
from punchin.cxml.build import Parties

from .fakes import SECRET, FakeEndpoint, published_sample, start_page, status

PARTIES = Parties(
    "NetworkID", "TestStore", "AcmeProcurement", "TestStore", SECRET, "Test Store PunchIn 1.0"
)


def run(dtd_dir: Path, fake_options: dict[str, Any], **check: Any) -> tuple[Report, FakeEndpoint]:
    async def scenario() -> tuple[Report, FakeEndpoint]:
        async with FakeEndpoint(**fake_options) as fake:
            config = EndpointCheck(
                fake.url, PARTIES, "buyer@acme.example", dtd_dir=dtd_dir, **check
            )
            return await check_punchin_endpoint(config), fake

    return asyncio.run(scenario())


def verdict(report: Report, check: str) -> Verdict | None:
    return report.verdict_of(check)


def reason(report: Report, check: str, verdict: Verdict) -> str:
    return next(f.reason for f in report if f.check == check and f.verdict is verdict)


def test_a_well_behaved_endpoint_passes_everything(dtd_dir: Path) -> None:
    report, fake = run(dtd_dir, {}, probe_refusals=True)
    assert report.exit_code == 0
    assert [f for f in report if f.verdict is Verdict.WARN] == []
    assert verdict(report, "Replayed payloadID") is Verdict.PASS
    assert verdict(report, "Refuses a wrong SharedSecret") is Verdict.PASS
    assert verdict(report, "Refuses malformed XML") is Verdict.PASS
    # P20: the request went out with exactly these headers, the store's User-Agent.
    sent = fake.headers[0]
    assert sent["Content-Type"] == "text/xml; charset=UTF-8"
    assert sent["Accept"] == "text/xml"
    assert sent["User-Agent"] == "Test Store PunchIn 1.0"
    assert sent["Connection"].lower() == "keep-alive"
    assert fake.received[0].startswith(b'<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE cXML')
    assert fake.poom_fetched == [200]


def test_an_endpoint_that_never_fetches_the_poom_url_fails(dtd_dir: Path) -> None:
    report, _ = run(dtd_dir, {"fetch": False})
    assert verdict(report, "PoomUrl fetched") is Verdict.FAIL
    assert "P5" in reason(report, "PoomUrl fetched", Verdict.FAIL)
    assert verdict(report, "cXML Status") is Verdict.PASS
    assert report.exit_code == 1


def test_an_html_answer_fails(dtd_dir: Path) -> None:
    page = (200, "text/html", b"<html><body><h1>Please sign in</h1></body></html>")
    report, _ = run(dtd_dir, {"answer": lambda: page})
    assert verdict(report, "HTTP status") is Verdict.PASS
    assert verdict(report, "Content-Type") is Verdict.WARN
    assert reason(report, "cXML document", Verdict.FAIL) == "an HTML page, not a cXML document"
    assert verdict(report, "cXML Status") is Verdict.FAIL
    assert verdict(report, "StartPage URL") is None


def test_200_without_a_start_page_fails(dtd_dir: Path) -> None:
    report, _ = run(dtd_dir, {"answer": lambda: status(200, "OK")})
    assert verdict(report, "cXML Status") is Verdict.PASS
    assert verdict(report, "StartPage URL") is Verdict.FAIL


def test_the_published_sample_warns_but_passes(dtd_dir: Path) -> None:
    """P24: raw '&' in the StartPage URL; a tolerant supplier reads it, with WARNs."""
    report, _ = run(dtd_dir, {"answer": published_sample})
    assert verdict(report, "cXML document") is Verdict.WARN
    assert verdict(report, "DTD-valid") is Verdict.WARN
    assert verdict(report, "StartPage URL") is Verdict.PASS
    assert "buyerExists=1" in reason(report, "StartPage flags", Verdict.INFO)
    assert report.exit_code == 0


def test_a_slow_endpoint_fails_the_time_budget(dtd_dir: Path) -> None:
    report, _ = run(dtd_dir, {"delay": 0.6}, budget=0.3)
    assert verdict(report, "Response time") is Verdict.FAIL
    assert verdict(report, "cXML Status") is Verdict.PASS


def test_an_endpoint_that_never_answers_times_out(dtd_dir: Path) -> None:
    report, _ = run(dtd_dir, {"delay": 1.5}, timeout=0.3)
    assert verdict(report, "Response time") is Verdict.FAIL
    assert verdict(report, "HTTP status") is None


def test_a_poom_url_fetched_after_its_validity_fails(dtd_dir: Path) -> None:
    """P19: the PoomUrl answers for its lifetime only (shortened here), then 500."""
    report, fake = run(dtd_dir, {"fetch_delay": 0.5}, poom_ttl=0.2)
    assert fake.poom_fetched == [500]
    assert "answered 500 (P19)" in reason(report, "PoomUrl fetched", Verdict.FAIL)


def test_refusal_probes_catch_a_lax_endpoint(dtd_dir: Path) -> None:
    """No secret check, no idempotency, 200 for anything: each probe FAILs."""
    issued = itertools.count()
    fake = {
        "check_secret": False,
        "remember": False,
        "answer": lambda: start_page(f"https://procurement.example/land?{next(issued)}"),
    }
    report, _ = run(dtd_dir, fake, probe_refusals=True)
    assert verdict(report, "Replayed payloadID") is Verdict.FAIL
    assert verdict(report, "Refuses a wrong SharedSecret") is Verdict.FAIL
    assert verdict(report, "Refuses malformed XML") is Verdict.PASS
