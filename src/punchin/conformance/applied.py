"""Checks of the answer to a document the partner must apply: an approval decision, an
order, a confirmation, a ship notice, an invoice.

The answer is a cXML Response whose Status says whether the document was applied
(docs/protocol.md S7, S9, S10, S11); the sender acts on that Status, whatever the HTTP
status (``punchin.cxml.reply``, docs/protocol.md S1.4): 200 done, 4xx fix the document
and do not send it again unchanged, 5xx send the same document again later. Pure
functions: an ``HttpReply`` in, findings out.
"""

from __future__ import annotations

from pathlib import Path

from punchin.cxml import http_status_for, reply_outcome, reply_status, status_line
from punchin.cxml.status import Outcome, lookup
from punchin.transport import HttpReply

from .answers import HTTP_STATUS, STATUS, check_elapsed
from .findings import Finding, failed, passed, warned
from .reading import check_content_type, read_cxml

_NEXT_STEP = {
    Outcome.SUCCESS: "done",
    Outcome.PERMANENT: "refused for good: the sender fixes the document and does not send "
    "it again unchanged",
    Outcome.TRANSIENT: "not applied yet: the sender sends the same document again later",
}


def check_http_status(reply: HttpReply) -> Finding:
    """HTTP 200 for an applied document; otherwise the status the cXML Status travels in.
    A mismatch only WARNs: partners act on the cXML Status (docs/protocol.md S1.4)."""
    status = reply_status(reply.body)
    expected = http_status_for(status.code) if status is not None else 200
    if reply.status == expected:
        return passed(HTTP_STATUS, str(reply.status))
    if status is None:
        return failed(HTTP_STATUS, f"{reply.status}, and no cXML Status to say why")
    return warned(
        HTTP_STATUS,
        f"{reply.status} for cXML Status {status.code}, which travels in HTTP {expected}; "
        "partners act on the cXML Status, a proxy or a log may not",
    )


def check_applied(reply: HttpReply) -> Finding:
    """cXML Status 200 passes; any other code FAILs with what it means to the sender."""
    status = reply_status(reply.body)
    if status is None:
        return failed(STATUS, "no cXML Status to read: the answer is not a cXML Response")
    entry = lookup(status.code)
    meaning = f" ({entry.meaning.rstrip('.')})" if entry else ""
    said = f"{status_line(status)}{meaning}; {_NEXT_STEP[reply_outcome(reply.status, status)]}"
    if status.code == 200:
        return passed(STATUS, said)
    return failed(STATUS, said)


def check_answer(reply: HttpReply, dtd_dir: Path | None, budget: float) -> list[Finding]:
    """Every check of the answer, in the order the sender reads it."""
    content_type = reply.headers.get("Content-Type")
    return [
        check_http_status(reply),
        check_content_type(content_type),
        *read_cxml(reply.body, content_type, dtd_dir).findings,
        check_applied(reply),
        check_elapsed(reply.elapsed, budget),
    ]
