"""The cXML Status code table: what each code means and what a sender does next.

Sources: docs/protocol.md S1.4 (SAP Ariba note 188136, Business::cXML). 2xx is
success, 4xx is permanent (fix the document, do not retry it), and 500/550/551/560
are transient (retry the same payloadID with back-off).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass


class Outcome(enum.Enum):
    SUCCESS = "success"
    PERMANENT = "permanent"
    TRANSIENT = "transient"


@dataclass(frozen=True, slots=True)
class StatusCode:
    code: int
    text: str
    meaning: str


_TABLE: dict[int, StatusCode] = {
    s.code: s
    for s in (
        StatusCode(200, "OK", "Executed, or delivered to the final recipient."),
        StatusCode(201, "Accepted", "Accepted, not yet examined; status updates will follow."),
        StatusCode(204, "No Content", "Nothing to return; for a cart: session ended unchanged."),
        StatusCode(280, "Forwarded", "Forwarded by a hub; more status updates will follow."),
        StatusCode(281, "Forwarded", "Forwarded over an unreliable transport."),
        StatusCode(400, "Bad Request", "Unacceptable to the server although it parsed."),
        StatusCode(401, "Unauthorized", "Sender credentials not recognised."),
        StatusCode(402, "Payment Required", "A complete Payment element is required."),
        StatusCode(403, "Forbidden", "Insufficient privileges, or the SharedSecret is wrong."),
        StatusCode(406, "Not Acceptable", "Not parseable or not valid against its DTD."),
        StatusCode(409, "Conflict", "The server's current state prevents the operation."),
        StatusCode(412, "Precondition Failed", "A precondition of the request was not met."),
        StatusCode(413, "Payload Too Large", "The document exceeds the server's limits."),
        StatusCode(417, "Expectation Failed", "An unknown supplier, order or document."),
        StatusCode(450, "Not Implemented", "The server does not implement this request."),
        StatusCode(475, "Signature Required", "The receiver requires a signed document."),
        StatusCode(476, "Signature Verification Failed", "The signature did not verify."),
        StatusCode(477, "Signature Unacceptable", "A valid signature, otherwise rejected."),
        StatusCode(500, "Internal Server Error", "The server could not complete the request."),
        StatusCode(550, "Unable to reach cXML server", "A hub could not reach the next server."),
        StatusCode(551, "Unable to forward request", "A hub could not forward the request."),
        StatusCode(560, "Temporary server error", "Maintenance or overload; retry later."),
    )
}

SUCCESS_CODES = frozenset({200, 201, 204, 280, 281})
TRANSIENT_CODES = frozenset({500, 550, 551, 560})


def lookup(code: int) -> StatusCode | None:
    """The table entry for ``code``, or None for a code the table does not know."""
    return _TABLE.get(code)


def standard_text(code: int) -> str:
    """The conventional ``text`` attribute for ``code`` (used when we answer)."""
    entry = _TABLE.get(code)
    return entry.text if entry else "Unknown"


def outcome(code: int) -> Outcome:
    """What a sender does with an answer carrying ``code``.

    Unknown 2xx count as success, unknown 5xx as transient; everything else is
    permanent, so a code nobody documented never causes an endless retry loop.
    """
    if code in SUCCESS_CODES or 200 <= code < 300:
        return Outcome.SUCCESS
    if code in TRANSIENT_CODES or 500 <= code < 600:
        return Outcome.TRANSIENT
    return Outcome.PERMANENT
