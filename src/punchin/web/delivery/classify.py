"""What a partner's answer means for a delivery: delivered, retry later, or stop.

``punchin.cxml.reply_outcome`` decides (P23, docs/protocol.md S1.4): the cXML Status in the
body, whatever the HTTP status; without one, 5xx is transient (a proxy's or a
maintenance page: the partner's server may be back soon) and anything else permanent.
A 2xx without cXML is NOT delivered: a cXML endpoint answers a cXML Response, so the
URL points at something else (a web page, a login form) and the document needs a person.
This module adds the words a person reads.

Transport errors carry their own ``transient`` flag (timeouts and connection errors
retry; TLS failures, redirects, refused URLs and oversized answers stop).
"""

from __future__ import annotations

from dataclasses import dataclass

from punchin.cxml import reply_outcome, reply_status, status_line
from punchin.cxml.status import Outcome
from punchin.transport import TransportError


@dataclass(frozen=True, slots=True)
class Verdict:
    """The outcome of one attempt and the words a person reads about it."""

    outcome: Outcome
    detail: str
    http_status: int | None = None
    status_code: int | None = None  # the cXML Status code, when the answer had one
    status_text: str = ""

    @property
    def code(self) -> int | None:
        """The code to show: the cXML Status if there was one, else the HTTP status."""
        return self.status_code if self.status_code is not None else self.http_status


def classify_reply(http_status: int, body: bytes) -> Verdict:
    status = reply_status(body)
    kind = reply_outcome(http_status, status)
    if status is not None:
        return Verdict(
            kind,
            f"cXML {status_line(status)}",
            http_status=http_status,
            status_code=status.code,
            status_text=status.text,
        )
    if kind is Outcome.TRANSIENT:
        why = "the partner's server is unavailable; retrying"
    elif 200 <= http_status < 300:
        why = "a cXML endpoint answers a cXML Response; check the partner's URL"
    else:
        why = "the partner refused the request"
    return Verdict(kind, f"HTTP {http_status} without a cXML Response: {why}", http_status)


def classify_error(exc: TransportError) -> Verdict:
    kind = Outcome.TRANSIENT if exc.transient else Outcome.PERMANENT
    return Verdict(kind, f"{type(exc).__name__}: {exc.detail}")
