"""What a partner's answer means for a delivery: delivered, retry later, or stop.

P23 and docs/protocol.md S1.4 decide on the cXML Status in the body, whatever the HTTP
status: 2xx delivered, 500/550/551/560 (and other 5xx) transient, everything else
permanent. Without a cXML Status the HTTP status decides, cautiously:

- 5xx without cXML (a proxy's or a maintenance page) is transient: the partner's
  server is not there yet, it may be soon.
- 4xx without cXML is permanent: the request itself is refused.
- 2xx without cXML is NOT delivered: a cXML endpoint answers a cXML Response, so the
  URL points at something else (a web page, a login form). Retrying cannot help and
  the document may have gone nowhere, so it needs a person.

Transport errors carry their own ``transient`` flag (timeouts and connection errors
retry; TLS failures, redirects, refused URLs and oversized answers stop).
"""

from __future__ import annotations

from dataclasses import dataclass

from punchin.cxml import CXMLError, read
from punchin.cxml.common import Status
from punchin.cxml.envelope import Response
from punchin.cxml.status import Outcome, outcome
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


def _cxml_status(body: bytes) -> Status | None:
    """The Status of a cXML Response in ``body``, read leniently (P24), or None."""
    try:
        document = read(body, lenient=True).document
    except CXMLError:
        return None
    return document.body.status if isinstance(document.body, Response) else None


def classify_reply(http_status: int, body: bytes) -> Verdict:
    status = _cxml_status(body)
    if status is not None:
        detail = f"cXML {status.code} {status.text}"
        if status.detail.strip():
            detail += f": {status.detail.strip()}"
        return Verdict(
            outcome(status.code),
            detail,
            http_status=http_status,
            status_code=status.code,
            status_text=status.text,
        )
    if http_status >= 500:
        kind, why = Outcome.TRANSIENT, "the partner's server is unavailable; retrying"
    elif 200 <= http_status < 300:
        kind = Outcome.PERMANENT
        why = "a cXML endpoint answers a cXML Response; check the partner's URL"
    else:
        kind, why = Outcome.PERMANENT, "the partner refused the request"
    return Verdict(kind, f"HTTP {http_status} without a cXML Response: {why}", http_status)


def classify_error(exc: TransportError) -> Verdict:
    kind = Outcome.TRANSIENT if exc.transient else Outcome.PERMANENT
    return Verdict(kind, f"{type(exc).__name__}: {exc.detail}")
