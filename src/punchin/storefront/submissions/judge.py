"""What an answer to the setup request means, in the words the buyer reads.

The protocol's judgement is ``punchin.cxml.setup_outcome`` (P23); this module adds
the explanation for the submission page and the stored documents.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings

from punchin.cxml import (
    CXMLError,
    read,
    reply_outcome,
    response_status,
    setup_outcome,
    start_page_url,
    status_line,
)
from punchin.cxml.document import Parsed
from punchin.cxml.status import Outcome, outcome
from punchin.transport import HttpReply, TransportError


@dataclass(frozen=True, slots=True)
class Verdict:
    """What one answer (or failure) means under P23, and what to tell the buyer."""

    outcome: Outcome
    message: str
    http_status: int | None = None
    status_code: int | None = None
    status_text: str = ""
    detail: str = ""
    start_page_url: str = ""
    answer: Parsed | None = None  # the answer as read, once: stored with what it said


def judge(reply: HttpReply) -> Verdict:
    """P23 on an answer (``setup_outcome``): 200 go to the StartPage; 4xx stop and
    explain; 5xx retry. The answer is read leniently (P24: partners send imperfect
    documents); without a cXML Status the HTTP status decides."""
    try:
        answer = read(reply.body, lenient=True)
    except CXMLError as exc:
        return Verdict(
            reply_outcome(reply.status, None),
            f"The purchasing system answered HTTP {reply.status} without a readable cXML document.",
            http_status=reply.status,
            detail=exc.detail,
        )
    document = answer.document
    status = response_status(document)
    if status is None:
        return Verdict(
            reply_outcome(reply.status, None),
            "The purchasing system answered with a cXML document that is not a Response.",
            http_status=reply.status,
            answer=answer,
        )
    common = {
        "answer": answer,
        "http_status": reply.status,
        "status_code": status.code,
        "status_text": status.text,
        "detail": status.detail.strip(),
    }
    url = start_page_url(document)
    result = setup_outcome(reply.status, status, url, allow_http=settings.PUNCHIN_DEV)
    if result is Outcome.SUCCESS:
        return Verdict(
            Outcome.SUCCESS,
            "Your purchasing system accepted the cart. Continue there to complete and "
            "submit the requisition.",
            start_page_url=url,
            **common,
        )
    if result is Outcome.TRANSIENT:
        return Verdict(
            Outcome.TRANSIENT,
            f"Your purchasing system had a problem ({status_line(status)}).",
            **common,
        )
    if outcome(status.code) is Outcome.SUCCESS:  # refused only for want of a StartPage
        return Verdict(
            Outcome.PERMANENT,
            "The purchasing system accepted the cart but sent no usable StartPage URL.",
            **common,
        )
    if status.code in (401, 403):
        hint = (
            "It did not recognise this store: the SharedSecret or the sender identity does "
            "not match what it expects. Ask your account admin to check Configure "
            "Purchasing System."
        )
    else:
        hint = "It could not accept this order as sent. Nothing was sent again."
    return Verdict(
        Outcome.PERMANENT,
        f"Your purchasing system refused the cart ({status_line(status)}). {hint}",
        **common,
    )


def judge_failure(exc: TransportError) -> Verdict:
    """P23: a timeout or a connection error is worth retrying; a refused URL, a TLS
    failure or a redirect is a configuration problem that the same send meets again."""
    if exc.transient:
        return Verdict(
            Outcome.TRANSIENT,
            f"Your purchasing system could not be reached ({exc.summary}).",
            detail=exc.detail,
        )
    return Verdict(
        Outcome.PERMANENT,
        f"The purchasing system's endpoint cannot be used ({exc.summary}). Ask your account "
        "admin to check Configure Purchasing System.",
        detail=exc.detail,
    )
