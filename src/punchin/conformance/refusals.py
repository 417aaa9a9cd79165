"""The negative probes: what an endpoint must refuse, and what it must not do twice.

- a wrong SharedSecret gets 403 (P16, P23), without the cart being fetched;
- malformed XML gets 400 (P23);
- the same PunchOutSetupRequest sent again (same payloadID, P15) gets the same answer
  and creates nothing new: the supplier retries after a timeout, and a retry must
  not become a second requisition.

Pure functions: the endpoint's ``HttpReply`` in, a finding out. A refusal counts when
the cXML Status carries the code (that is what a supplier acts on); the HTTP status
is reported alongside.
"""

from __future__ import annotations

from punchin.cxml import (
    CXMLError,
    Document,
    read,
    reply_status,
    response_status,
    start_page_url,
    status_line,
)
from punchin.cxml.status import Outcome
from punchin.cxml.status import outcome as outcome_of
from punchin.transport import HttpReply

from .findings import Finding, Verdict, failed, passed, warned

WRONG_SECRET = "Refuses a wrong SharedSecret"  # noqa: S105 (a check name)
MALFORMED = "Refuses malformed XML"
REPLAY = "Replayed payloadID"


def _document(reply: HttpReply) -> Document | None:
    try:
        return read(reply.body, lenient=True).document
    except CXMLError:
        return None


def check_refusal(check: str, reply: HttpReply, expected: int, fact: str) -> Finding:
    """The cXML Status must be ``expected``; the HTTP status alone earns a WARN."""
    status = reply_status(reply.body)
    http = f"HTTP {reply.status}"
    if status is not None and status.code == expected:
        return passed(check, f"{http}, cXML {status_line(status)}")
    if status is not None:
        return failed(check, f"{http}, cXML {status_line(status)}; expected {expected} ({fact})")
    if reply.status == expected:
        return warned(check, f"{http} but no cXML Status in the body ({fact})")
    return failed(check, f"{http} and no cXML Status; expected {expected} ({fact})")


def check_wrong_secret(reply: HttpReply, poom_fetched: int) -> Finding:
    finding = check_refusal(WRONG_SECRET, reply, 403, "P16, P23")
    if poom_fetched and finding.verdict is not Verdict.FAIL:
        return warned(
            WRONG_SECRET,
            f"{finding.reason}; but the PoomUrl was fetched {poom_fetched}x before refusing: "
            "check the SharedSecret before fetching anything",
        )
    return finding


def check_malformed(reply: HttpReply) -> Finding:
    return check_refusal(MALFORMED, reply, 400, "P23")


def check_replay(first: HttpReply, again: HttpReply, poom_refetched: int) -> Finding:
    """The same answer, byte for byte at best; the same Status and StartPage at least.

    Only a transient first answer (500, P23) may change: the retry is processed anew.
    """
    if first.status == again.status and first.body == again.body:
        outcome = passed(REPLAY, f"the same answer byte for byte (HTTP {again.status})")
    else:
        before, after = _document(first), _document(again)
        was, now = response_status(before), response_status(after)
        same = (
            was is not None
            and now is not None
            and (was.code, start_page_url(before)) == (now.code, start_page_url(after))
        )
        if not same and was is not None and outcome_of(was.code) is Outcome.TRANSIENT:
            return passed(REPLAY, f"processed anew after a transient {was.code}, as P23 expects")
        if not same:
            shown = status_line(now) if now is not None else "no cXML Status"
            return failed(
                REPLAY,
                f"a different answer the second time (HTTP {again.status}, {shown}): "
                "a supplier's retry must not become a second requisition (P15)",
            )
        outcome = passed(REPLAY, f"the same Status and StartPage (HTTP {again.status})")
    if poom_refetched:
        return warned(
            REPLAY, f"{outcome.reason}, but the PoomUrl was fetched again: processed twice?"
        )
    return outcome
