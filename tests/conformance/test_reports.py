"""The report files: JUnit XML a CI server reads, JSON, and an escaped HTML page."""

from __future__ import annotations

import json
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest

from punchin.conformance import Report
from punchin.conformance.findings import failed, info, passed, warned
from punchin.conformance.reports import write_report

HOSTILE = '<script>alert("x")</script> & more'


def report() -> Report:
    result = Report()
    result.add(info("Listening", "http://127.0.0.1:1/cxml/punchin"))
    result.add(passed("HTTP method", "POST", "Setup request"))
    result.add(warned("User-Agent", HOSTILE, "Setup request"))
    result.add(failed("Same payloadID", HOSTILE, "Retry"))
    return result


def test_junit_has_a_suite_per_step_and_a_case_per_judged_finding(tmp_path: Path) -> None:
    path = tmp_path / "r.xml"
    write_report(report(), path, "punchin check supplier")
    root = ET.parse(path).getroot()  # noqa: S314 (our own file)
    assert (root.get("tests"), root.get("failures")) == ("3", "1")
    suites = root.findall("testsuite")
    assert [s.get("name") for s in suites] == [
        "punchin check supplier",
        "punchin check supplier: Setup request",
        "punchin check supplier: Retry",
    ]
    assert suites[0].find("properties/property").get("name") == "Listening"  # type: ignore[union-attr]
    warning = suites[1].findall("testcase")[1]
    assert warning.findtext("system-out") == f"WARN: {HOSTILE}"
    failure = suites[2].find("testcase/failure")
    assert failure is not None
    assert failure.get("message") == HOSTILE


def test_json_keeps_every_finding_in_order(tmp_path: Path) -> None:
    path = tmp_path / "r.json"
    write_report(report(), path, "punchin check supplier")
    data = json.loads(path.read_text())
    assert data["verdict"] == "FAIL"
    assert data["counts"] == {"PASS": 1, "WARN": 1, "FAIL": 1, "INFO": 1}
    assert [f["check"] for f in data["findings"]] == [
        "Listening",
        "HTTP method",
        "User-Agent",
        "Same payloadID",
    ]


def test_html_escapes_what_partners_sent(tmp_path: Path) -> None:
    path = tmp_path / "r.html"
    write_report(report(), path, "punchin check supplier")
    page = path.read_text()
    assert "<script>" not in page
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; more" in page
    assert "http" not in page.split("<body>")[0]  # self-contained: nothing fetched


def test_an_unknown_extension_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match=r"\.xml \(JUnit\), \.json or \.html"):
        write_report(report(), tmp_path / "r.txt", "punchin check supplier")
