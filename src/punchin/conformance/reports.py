"""A report as a file: JUnit XML for CI, JSON for scripts, one HTML page for people.

``write_report`` picks the format by the file's extension. JUnit XML is built with
``xml.etree`` from the standard library: the format a CI server reads is three
elements deep (testsuites, testsuite, testcase with failure), and the one library
that only writes it, ``junit-xml``, has had no release since 2020; a dependency for
it would buy nothing. Each step of the run is a testsuite; each PASS, WARN or FAIL
finding a testcase (a FAIL carries a ``failure``, a WARN its reason in
``system-out``); INFO findings, which judge nothing, are the suite's properties.
"""

from __future__ import annotations

import html
import json
from collections import Counter
from pathlib import Path
from typing import Any
from xml.etree import ElementTree as ET

from .findings import Finding, Report, Verdict

FORMATS = (".xml", ".json", ".html")
_COLOURS = {
    Verdict.PASS: "#1a7f37",
    Verdict.WARN: "#9a6700",
    Verdict.FAIL: "#cf222e",
    Verdict.INFO: "#57606a",
}


def _steps(report: Report) -> dict[str, list[Finding]]:
    steps: dict[str, list[Finding]] = {}
    for finding in report:
        steps.setdefault(finding.step, []).append(finding)
    return steps


def _counts(findings: list[Finding]) -> Counter[Verdict]:
    return Counter(f.verdict for f in findings)


def junit_xml(report: Report, command: str) -> bytes:
    """The report as JUnit XML: a testsuite per step, a testcase per judged finding."""
    counts = _counts(report.findings)
    judged = counts[Verdict.PASS] + counts[Verdict.WARN] + counts[Verdict.FAIL]
    root = ET.Element(
        "testsuites", name=command, tests=str(judged), failures=str(counts[Verdict.FAIL])
    )
    for step, findings in _steps(report).items():
        step_counts = _counts(findings)
        suite = ET.SubElement(
            root,
            "testsuite",
            name=f"{command}: {step}" if step else command,
            tests=str(len(findings) - step_counts[Verdict.INFO]),
            failures=str(step_counts[Verdict.FAIL]),
            errors="0",
            skipped="0",
        )
        notes = [f for f in findings if f.verdict is Verdict.INFO]
        if notes:
            properties = ET.SubElement(suite, "properties")
            for note in notes:
                ET.SubElement(properties, "property", name=note.check, value=note.reason)
        classname = ".".join(part for part in (command, step) if part).replace(" ", "_")
        for finding in findings:
            if finding.verdict is Verdict.INFO:
                continue
            case = ET.SubElement(suite, "testcase", classname=classname, name=finding.check)
            if finding.verdict is Verdict.FAIL:
                failure = ET.SubElement(case, "failure", message=finding.reason, type="FAIL")
                failure.text = finding.reason
            else:
                ET.SubElement(
                    case, "system-out"
                ).text = f"{finding.verdict.value}: {finding.reason}"
    ET.indent(root)
    data: bytes = ET.tostring(root, encoding="utf-8", xml_declaration=True)
    return data + b"\n"


def as_json(report: Report, command: str) -> dict[str, Any]:
    """The report as plain data: the verdict, the counts and every finding in order."""
    counts = _counts(report.findings)
    return {
        "command": command,
        "verdict": "FAIL" if report.failures else "PASS",
        "summary": report.summary(),
        "counts": {verdict.value: counts[verdict] for verdict in Verdict},
        "findings": [
            {"step": f.step, "check": f.check, "verdict": f.verdict.value, "reason": f.reason}
            for f in report
        ],
    }


def html_page(report: Report, command: str) -> str:
    """One self-contained page (inline style, no script, every text escaped)."""
    verdict = "FAIL" if report.failures else "PASS"
    colour = _COLOURS[Verdict.FAIL if report.failures else Verdict.PASS]
    rows = []
    for step, findings in _steps(report).items():
        if step:
            rows.append(f'<tr><th colspan="3" class="step">{html.escape(step)}</th></tr>')
        for f in findings:
            rows.append(
                f'<tr><td class="v" style="color:{_COLOURS[f.verdict]}">{f.verdict.value}</td>'
                f"<td>{html.escape(f.check)}</td><td>{html.escape(f.reason)}</td></tr>"
            )
    title = html.escape(command)
    return (
        '<!doctype html>\n<html lang="en"><head><meta charset="utf-8">'
        f"<title>{title}: {verdict}</title><style>"
        "body{font:15px/1.4 system-ui,sans-serif;margin:2em;max-width:70em}"
        "table{border-collapse:collapse;width:100%}td,th{padding:.3em .6em;"
        "border-bottom:1px solid #d0d7de;text-align:left;vertical-align:top}"
        "td.v{font-weight:bold;white-space:nowrap}th.step{background:#f6f8fa;padding-top:1em}"
        "</style></head><body>"
        f'<h1>{title}: <span style="color:{colour}">{verdict}</span></h1>'
        f"<p>{html.escape(report.summary())}. PASS: as docs/protocol.md P1-P25 describe; "
        "WARN: works, but a stricter partner would object; FAIL: a partner following "
        "the protocol would not interoperate; INFO: what was seen.</p>"
        f"<table><tr><th>verdict</th><th>check</th><th>reason</th></tr>{''.join(rows)}"
        "</table></body></html>\n"
    )


def write_report(report: Report, path: Path, command: str) -> None:
    """Write ``report`` to ``path`` as JUnit XML, JSON or HTML, by its extension."""
    suffix = path.suffix.lower()
    if suffix == ".xml":
        path.write_bytes(junit_xml(report, command))
    elif suffix == ".json":
        text = json.dumps(as_json(report, command), indent=2, ensure_ascii=False)
        path.write_text(text + "\n", encoding="utf-8")
    elif suffix == ".html":
        path.write_text(html_page(report, command), encoding="utf-8")
    else:
        raise ValueError(f"{path}: the report is .xml (JUnit), .json or .html")
