"""The negative probes: what an endpoint must refuse, and what it must not do twice.

- a wrong SharedSecret gets 403 (P16, P23), without the cart being fetched; at the
  order and fulfilment endpoints 401 or 403, and an unknown Sender the very same
  answer, so that nobody can find out which Senders exist (docs/security.md row 9);
- malformed XML gets 400 (P23);
- the same document sent again (same payloadID, P15) gets the same answer and changes
  nothing: the sender retries after a timeout, and a retry must not become a second
  requisition, order or shipment (docs/security.md row 11).

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
UNKNOWN_SENDER = "Unknown Sender answered alike"
MALFORMED = "Refuses malformed XML"
REPLAY = "Replayed payloadID"
REPEAT = "Same payloadID again"
# Refusals of a sender's credentials: Unauthorized or Forbidden (docs/protocol.md S1.4).
BAD_CREDENTIALS = (401, 403)


def _document(reply: HttpReply) -> Document | None:
    try:
        return read(reply.body, lenient=True).document
    except CXMLError:
        return None


def check_refusal(
    check: str, reply: HttpReply, expected: int | tuple[int, ...], fact: str
) -> Finding:
    """The cXML Status must be ``expected`` (one of them); the HTTP status alone earns
    a WARN."""
    codes = (expected,) if isinstance(expected, int) else expected
    wanted = " or ".join(map(str, codes))
    status = reply_status(reply.body)
    http = f"HTTP {reply.status}"
    if status is not None and status.code in codes:
        return passed(check, f"{http}, cXML {status_line(status)}")
    if status is not None:
        return failed(check, f"{http}, cXML {status_line(status)}; expected {wanted} ({fact})")
    if reply.status in codes:
        return warned(check, f"{http} but no cXML Status in the body ({fact})")
    return failed(check, f"{http} and no cXML Status; expected {wanted} ({fact})")


def _said(reply: HttpReply) -> tuple[int, str]:
    """The HTTP status and the Status line, for comparing two answers."""
    status = reply_status(reply.body)
    shown = f"cXML {status_line(status)}" if status is not None else "no cXML Status"
    return reply.status, f"HTTP {reply.status}, {shown}"


def check_unknown_sender(wrong_secret: HttpReply, unknown: HttpReply) -> Finding:
    """An unknown Sender gets the answer a wrong SharedSecret gets: the same code, text
    and detail, so the answer does not tell which Senders exist (docs/security.md row 9)."""
    refused = check_refusal(UNKNOWN_SENDER, unknown, BAD_CREDENTIALS, "docs/security.md row 9")
    if refused.verdict is Verdict.FAIL:
        return refused
    if _said(wrong_secret) == _said(unknown):
        return passed(UNKNOWN_SENDER, f"{refused.reason}, as for a wrong SharedSecret")
    return failed(
        UNKNOWN_SENDER,
        f"{refused.reason}, but a wrong SharedSecret got {_said(wrong_secret)[1]}: the "
        "difference tells a known Sender from an unknown one (docs/security.md row 9)",
    )


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


def _same_status(first: HttpReply, again: HttpReply) -> tuple[bool, bool]:
    """(same Status code, text and detail; the first Status was transient)."""
    was, now = reply_status(first.body), reply_status(again.body)
    same = was is not None and now is not None and status_line(was) == status_line(now)
    return same, was is not None and outcome_of(was.code) is Outcome.TRANSIENT


def check_repeat(first: HttpReply, again: HttpReply) -> Finding:
    """The same document again gets the first answer: byte for byte at best, the same
    Status code, text and detail at least. Only a transient first answer (5xx) may
    change: the retry is processed anew (docs/protocol.md S1.4)."""
    if first.status == again.status and first.body == again.body:
        return passed(REPEAT, f"the same answer byte for byte (HTTP {again.status})")
    same, transient = _same_status(first, again)
    if same:
        return passed(REPEAT, f"the same Status (HTTP {again.status})")
    if transient:
        return passed(REPEAT, "processed anew after a transient first answer, as it should be")
    now = reply_status(again.body)
    shown = status_line(now) if now is not None else "no cXML Status"
    return failed(
        REPEAT,
        f"a different answer the second time (HTTP {again.status}, {shown}): a copy of a "
        "document must get the first answer and change nothing (docs/security.md row 11)",
    )


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
