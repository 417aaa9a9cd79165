"""Replies: what a partner's answer means, and the Response we answer with.

The sender decides on the cXML Status in the body, whatever the HTTP status (P23,
docs/protocol.md S1.4): ``status.outcome`` of its code. Without a readable Status the HTTP
status decides, cautiously: 5xx (a proxy's page, maintenance) may pass, so it is
transient; anything else is permanent, a 2xx included: a cXML endpoint answers a cXML
Response, so a page without one means the URL points somewhere else.

Pure functions, bytes or typed documents in, plain values out: both parties, the
delivery queue and ``punchin check`` judge answers with them.
"""

from __future__ import annotations

from punchin.cxml.common import Status
from punchin.cxml.document import read
from punchin.cxml.envelope import Document, Response, ResponsePayload
from punchin.cxml.errors import CXMLError
from punchin.cxml.payload_id import new_payload_id, now
from punchin.cxml.punchout import PunchOutSetupResponse
from punchin.cxml.status import Outcome, outcome, standard_text

# HTTP statuses that mirror a cXML code; any other code travels in an HTTP 200 below
# 400 and a 400 above it (the cXML Status is what partners act on: docs/protocol.md S0).
_HTTP_MIRRORED = frozenset({400, 401, 403, 404, 406, 409, 412, 413, 417, 500})


def response_status(document: Document | None) -> Status | None:
    """The Status of a cXML Response; None for a Request, a Message or no document."""
    if document is not None and isinstance(document.body, Response):
        return document.body.status
    return None


def reply_status(body: bytes) -> Status | None:
    """The Status of the cXML Response in ``body``, read leniently (P24: partners send
    imperfect documents); None for anything else. Never raises, whatever the bytes."""
    try:
        return response_status(read(body, lenient=True).document)
    except CXMLError:
        return None


def status_line(status: Status) -> str:
    """``403 Forbidden: <detail>``, the detail only when there is one."""
    detail = status.detail.strip()
    return f"{status.code} {status.text}" + (f": {detail}" if detail else "")


def reply_outcome(http_status: int, status: Status | None) -> Outcome:
    """What the sender does with an answer: its cXML Status decides; without one,
    HTTP 5xx is transient and everything else permanent (see the module docstring)."""
    if status is not None:
        return outcome(status.code)
    return Outcome.TRANSIENT if http_status >= 500 else Outcome.PERMANENT


def start_page_url(document: Document | None) -> str:
    """The StartPage URL of a PunchOutSetupResponse, stripped; "" when there is none."""
    body = document.body if document is not None else None
    payload = body.payload if isinstance(body, Response) else None
    if isinstance(payload, PunchOutSetupResponse):
        return payload.start_page.url.value.strip()
    return ""


def _start_page_allowed(url: str, *, allow_http: bool) -> bool:
    """The browser is sent there next (P7): https only, plain http only when
    ``allow_http`` (development); never ``javascript:`` or another scheme a hostile
    answer could smuggle in."""
    scheme = url.split(":", 1)[0].lower()
    return scheme == "https" or (scheme == "http" and allow_http)


def setup_outcome(
    http_status: int, status: Status | None, start_page: str, *, allow_http: bool = False
) -> Outcome:
    """P23 on the answer to a PunchOutSetupRequest: 200 with a StartPage accepted, 4xx
    refused (do not retry), 5xx retry (``reply_outcome``). A success counts only with
    a StartPage URL the browser may go to (P7); without one the buyer cannot follow
    the cart, and sending it again gets the same answer: permanent."""
    result = reply_outcome(http_status, status)
    if result is Outcome.SUCCESS and not _start_page_allowed(start_page, allow_http=allow_http):
        return Outcome.PERMANENT
    return result


def response_document(
    code: int,
    text: str | None = None,
    detail: str = "",
    payload: ResponsePayload | None = None,
    lang: str = "en-US",
) -> Document:
    """The cXML Response an endpoint answers with: a Status (``text`` defaults to the
    code's standard text) and, on success, the payload."""
    return Document(
        payload_id=new_payload_id(),
        timestamp=now(),
        lang=lang,
        body=Response(
            status=Status(code=code, text=text or standard_text(code), detail=detail, lang=lang),
            payload=payload,
        ),
    )


def http_status_for(code: int) -> int:
    """The HTTP status a Response carrying cXML ``code`` travels in."""
    if code in _HTTP_MIRRORED:
        return code
    return 200 if code < 400 else 400
