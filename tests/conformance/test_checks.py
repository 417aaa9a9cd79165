"""The pure protocol checks: bytes or models in, findings out (no network)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from punchin.conformance import answers, fetches, refusals
from punchin.conformance.fetches import PoomFetch
from punchin.conformance.findings import Finding, Report, Verdict, failed, info, passed, warned
from punchin.conformance.reading import read_cxml
from punchin.transport import HttpReply

from .fakes import SAMPLES, start_page, status

SAMPLE = (SAMPLES / "PunchOutSetupResponse.as-published.xml").read_bytes()
REPAIRED = (SAMPLES / "PunchOutSetupResponse.xml").read_bytes()


def reply(answer: tuple[int, str, bytes], elapsed: float = 0.1) -> HttpReply:
    code, content_type, body = answer
    return HttpReply(code, {"Content-Type": content_type}, body, elapsed)


def verdicts(findings: list[Finding]) -> dict[str, Verdict | None]:
    """The worst verdict of each check."""
    report = Report(list(findings))
    return {f.check: report.verdict_of(f.check) for f in findings}


def test_report_exit_code_and_summary() -> None:
    report = Report()
    report.add([passed("a", "ok"), info("b", "seen"), warned("c", "hm")])
    assert report.exit_code == 0
    report.add(failed("d", "no"))
    assert report.exit_code == 1
    assert report.summary() == "4 findings: 1 PASS, 1 WARN, 1 FAIL"
    assert str(report.failures[0]) == "FAIL  d: no"


def test_the_published_sample_reads_with_warnings_only(dtd_dir: Path) -> None:
    """P24: raw '&' in the URL; read anyway, each repair a WARN, valid once repaired."""
    found = answers.check_setup_response(reply((200, "text/xml", SAMPLE)), dtd_dir, 20)
    by_check = verdicts(found)
    assert by_check["cXML document"] is Verdict.WARN
    assert by_check["DTD-valid"] is Verdict.WARN
    assert by_check["cXML Status"] is Verdict.PASS
    assert by_check["StartPage URL"] is Verdict.PASS
    assert not [f for f in found if f.verdict is Verdict.FAIL]
    repair = next(f for f in found if f.check == "cXML document")
    assert "'&'" in repair.reason
    assert "P24" in repair.reason


def test_the_repaired_sample_passes_strictly(dtd_dir: Path) -> None:
    found = answers.check_setup_response(reply((200, "text/xml", REPAIRED)), dtd_dir, 20)
    assert verdicts(found)["cXML document"] is Verdict.PASS
    assert verdicts(found)["DTD-valid"] is Verdict.PASS


def test_flags_of_the_sample_are_listed() -> None:
    """P22: the StartPage URL carries five flags; the query starts with a bare token."""
    url = read_cxml(REPAIRED, None, None).document.body.payload.start_page.url.value  # type: ignore[union-attr]
    assert answers.start_page_flags(url) == {
        "requiresAuthByCredentials": "1",
        "requiresAuthBySSO": "1",
        "buyerExists": "1",
        "mobileSupported": "1",
        "internetSupported": "1",
    }
    assert answers.check_flags(url).verdict is Verdict.INFO
    missing = answers.check_flags("https://p.example/land?t=1&buyerExists=1")
    assert missing.verdict is Verdict.WARN
    assert "absent: requiresAuthByCredentials, requiresAuthBySSO" in missing.reason


@pytest.mark.parametrize(
    ("url", "verdict"),
    [
        ("https://procurement.example/land?x", Verdict.PASS),
        ("http://127.0.0.1:8002/land?x", Verdict.PASS),
        ("http://[::1]:8002/land", Verdict.PASS),
        ("http://procurement.example/land", Verdict.FAIL),
        ("/punchin/land?x", Verdict.FAIL),
        ("javascript:alert(1)", Verdict.FAIL),
    ],
)
def test_start_page_url_must_be_https_or_loopback(url: str, verdict: Verdict) -> None:
    assert answers.check_start_page_url(url).verdict is verdict


@pytest.mark.parametrize(
    ("code", "words"),
    [(403, "does not retry"), (400, "does not retry"), (500, "retries")],
)
def test_a_refusing_status_fails_with_what_the_supplier_does(code: int, words: str) -> None:
    """P23: 400 and 403 are explained without retry; 500 is retried."""
    document = read_cxml(status(code, "Nope", "why")[2], None, None).document
    finding = answers.check_status(document)
    assert finding.verdict is Verdict.FAIL
    assert finding.reason.startswith(f"{code} Nope: why")
    assert words in finding.reason


def test_status_200_without_start_page_fails(dtd_dir: Path) -> None:
    found = answers.check_setup_response(reply(status(200, "OK")), dtd_dir, 20)
    start = next(f for f in found if f.check == "StartPage URL")
    assert start.verdict is Verdict.FAIL
    assert "P22" in start.reason


def test_html_is_not_cxml(dtd_dir: Path) -> None:
    page = (200, "text/html; charset=utf-8", b"<!DOCTYPE html><html><body>Login</body></html>")
    by_check = verdicts(answers.check_setup_response(reply(page), dtd_dir, 20))
    assert by_check["Content-Type"] is Verdict.WARN
    assert by_check["cXML document"] is Verdict.FAIL
    assert by_check["cXML Status"] is Verdict.FAIL
    assert "DTD-valid" not in by_check


def test_well_formed_but_invalid_reports_the_dtd(dtd_dir: Path) -> None:
    """A Response without its Status: the models refuse it, the DTD says why."""
    body = re.sub(rb"<Status\b.*?(/>|</Status>)", b"", start_page("https://p.example/l")[2])
    found = answers.check_setup_response(reply((200, "text/xml", body)), dtd_dir, 20)
    by_check = verdicts(found)
    assert by_check["cXML document"] is Verdict.FAIL
    assert by_check["DTD-valid"] is Verdict.FAIL
    dtd = next(f for f in found if f.check == "DTD-valid")
    assert "Status" in dtd.reason


def test_time_budget() -> None:
    assert answers.check_elapsed(0.5, 1.0).verdict is Verdict.PASS
    late = answers.check_elapsed(2.5, 1.0)
    assert late.verdict is Verdict.FAIL
    assert "2.50 s" in late.reason


def fetch(after: float, accept: str | None = "text/xml", served: int = 200) -> PoomFetch:
    return PoomFetch(after, accept, "Procurement/1.0", served)


def test_fetches_judged() -> None:
    """P5: fetched; P19: within the minute; once, before answering, asking for XML."""
    never = fetches.check_poom_fetches([], 0.2)
    assert [f.verdict for f in never] == [Verdict.FAIL]
    good = fetches.check_poom_fetches([fetch(0.05)], 0.2)
    assert [f.verdict for f in good] == [Verdict.PASS]
    assert "once, first 0.05 s after the POST, Accept: text/xml" in good[0].reason
    late = fetches.check_poom_fetches([fetch(61.0, served=500)], 61.5)
    assert [f.verdict for f in late] == [Verdict.FAIL]
    assert "answered 500 (P19)" in late[0].reason
    twice_after_html = fetches.check_poom_fetches([fetch(0.3, "text/html"), fetch(0.4)], 0.2)
    assert [f.verdict for f in twice_after_html] == [
        Verdict.PASS,
        Verdict.WARN,
        Verdict.WARN,
        Verdict.WARN,
    ]


def test_refusals_judged_on_the_cxml_status() -> None:
    forbidden = reply(status(403, "Forbidden"))
    assert refusals.check_wrong_secret(forbidden, 0).verdict is Verdict.PASS
    fetched_first = refusals.check_wrong_secret(forbidden, 1)
    assert fetched_first.verdict is Verdict.WARN
    accepted = reply(start_page("https://p.example/land"))
    assert refusals.check_wrong_secret(accepted, 1).verdict is Verdict.FAIL
    bare = HttpReply(400, {}, b"bad", 0.1)
    assert refusals.check_malformed(bare).verdict is Verdict.WARN
    assert refusals.check_malformed(reply(status(500, "Oops"))).verdict is Verdict.FAIL


def test_replay_judged() -> None:
    first = reply(start_page("https://p.example/land?one"))
    assert refusals.check_replay(first, first, 0).verdict is Verdict.PASS
    assert refusals.check_replay(first, first, 1).verdict is Verdict.WARN
    other = reply(start_page("https://p.example/land?two"))
    assert refusals.check_replay(first, other, 1).verdict is Verdict.FAIL
    transient = reply(status(500, "Internal Server Error"))
    assert refusals.check_replay(transient, other, 1).verdict is Verdict.PASS
