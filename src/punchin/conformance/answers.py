"""Checks of a PunchOutSetupResponse, as the supplier receiving it reads it (P22, P23).

Pure functions: an ``HttpReply`` (or a typed document) in, findings out.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

from punchin.cxml import Document, response_status, start_page_url, status_line
from punchin.cxml.common import Status
from punchin.cxml.status import Outcome, lookup, outcome
from punchin.transport import HttpReply

from .findings import Finding, failed, info, passed, warned
from .reading import check_content_type, read_cxml
from .urls import check_url

HTTP_STATUS = "HTTP status"
STATUS = "cXML Status"
START_PAGE = "StartPage URL"
FLAGS = "StartPage flags"
RESPONSE_TIME = "Response time"
# The flags the published sample's StartPage carries for the supplier to read (P22).
FLAG_NAMES = (
    "requiresAuthByCredentials",
    "requiresAuthBySSO",
    "buyerExists",
    "mobileSupported",
    "internetSupported",
)
_NEXT_STEP = {
    Outcome.SUCCESS: "the supplier sends the browser to the StartPage (P7)",
    Outcome.PERMANENT: "the supplier explains it to the buyer and does not retry (P23)",
    Outcome.TRANSIENT: "the supplier retries the same request (P23)",
}


def check_http_status(status: int) -> Finding:
    if status == 200:
        return passed(HTTP_STATUS, "200")
    return failed(HTTP_STATUS, f"{status}; an accepted Punch-in answers 200 (P23)")


def describe(status: Status) -> str:
    """``status_line`` with what the code means and what the supplier does next (P23)."""
    entry = lookup(status.code)
    meaning = f" ({entry.meaning.rstrip('.')})" if entry else ""
    return f"{status_line(status)}{meaning}; {_NEXT_STEP[outcome(status.code)]}"


def check_status(document: Document | None) -> Finding:
    """Status 200 is the only acceptance (P22, P23); anything else is explained."""
    if document is None:
        return failed(STATUS, "no cXML Status to read: the answer is not a cXML document")
    status = response_status(document)
    if status is None:
        found = type(document.body).__name__
        return failed(STATUS, f"the answer is a cXML {found}, not a Response")
    if status.code == 200:
        return passed(STATUS, describe(status))
    return failed(STATUS, describe(status))


def start_page_flags(url: str) -> dict[str, str | None]:
    """The P22 flags in the StartPage URL's query (None when absent).

    The published sample's query starts with a bare token (``?f3dd...&buyerExists=1``),
    so blank values are kept rather than treated as errors.
    """
    query = dict(parse_qsl(urlsplit(url).query, keep_blank_values=True))
    return {name: query.get(name) for name in FLAG_NAMES}


def check_start_page_url(url: str) -> Finding:
    """An absolute URL the browser can open: https (P20), or http to loopback in development."""
    return check_url(START_PAGE, url)


def check_flags(url: str) -> Finding:
    flags = start_page_flags(url)
    shown = ", ".join(f"{name}={value}" for name, value in flags.items() if value is not None)
    missing = [name for name, value in flags.items() if value is None]
    odd = [name for name, value in flags.items() if value not in (None, "0", "1")]
    if missing or odd:
        problems = []
        if missing:
            problems.append(f"absent: {', '.join(missing)}")
        if odd:
            problems.append(f"not 0 or 1: {', '.join(odd)}")
        return warned(FLAGS, f"{shown or 'none'}; {'; '.join(problems)} (P22)")
    return info(FLAGS, shown)


def check_start_page(document: Document) -> list[Finding]:
    """On Status 200 the answer must carry a StartPage URL (P22), with its flags."""
    url = start_page_url(document)
    if not url:
        return [failed(START_PAGE, "Status 200 without PunchOutSetupResponse/StartPage/URL (P22)")]
    return [check_start_page_url(url), check_flags(url)]


def check_elapsed(elapsed: float, budget: float) -> Finding:
    """The supplier waits for the answer while the buyer watches (P4): keep it short."""
    if elapsed <= budget:
        return passed(RESPONSE_TIME, f"{elapsed:.2f} s (budget {budget:g} s)")
    return failed(RESPONSE_TIME, f"{elapsed:.2f} s, over the budget of {budget:g} s")


def check_setup_response(reply: HttpReply, dtd_dir: Path | None, budget: float) -> list[Finding]:
    """Every check of the answer to a PunchOutSetupRequest, in the order a supplier reads it."""
    findings = [check_http_status(reply.status)]
    findings.append(check_content_type(reply.headers.get("Content-Type")))
    reading = read_cxml(reply.body, reply.headers.get("Content-Type"), dtd_dir)
    findings.extend(reading.findings)
    findings.append(check_status(reading.document))
    status = response_status(reading.document)
    if reading.document is not None and status is not None and status.code == 200:
        findings.extend(check_start_page(reading.document))
    findings.append(check_elapsed(reply.elapsed, budget))
    return findings
