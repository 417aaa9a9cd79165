"""Errors that carry the cXML Status to answer with.

Like h11's ``error_status_hint``: whoever catches one of these can render the
``<Status code text>`` straight from the exception. The partner's faults (4xx,
``RemoteProtocolError``) are kept apart from ours (5xx, ``LocalProtocolError``).
"""

from __future__ import annotations


class CXMLError(Exception):
    """Base of every error this library raises on purpose.

    ``code`` and ``text`` are the cXML ``Status`` attributes to answer with;
    ``str(error)`` is the detail (the Status element's content).
    """

    code: int = 500
    text: str = "Internal Server Error"

    def __init__(self, detail: str, *, line: int | None = None) -> None:
        super().__init__(detail)
        self.detail = detail
        self.line = line


class RemoteProtocolError(CXMLError):
    """The partner sent something we cannot accept (a 4xx: do not retry it unchanged)."""

    code = 400
    text = "Bad Request"


class BadRequest(RemoteProtocolError):
    """Not well-formed, hostile, or not a document our models can read (P23: 400)."""


class Unauthorized(RemoteProtocolError):
    """Transport or Sender credentials not recognised."""

    code = 401
    text = "Unauthorized"


class Forbidden(RemoteProtocolError):
    """SharedSecret invalid or sender unknown (P23: 403)."""

    code = 403
    text = "Forbidden"


class NotAcceptable(RemoteProtocolError):
    """Well-formed but not valid against the cXML DTD it declares."""

    code = 406
    text = "Not Acceptable"


class Conflict(RemoteProtocolError):
    """The same identifier arrived before with a different body."""

    code = 409
    text = "Conflict"


class PayloadTooLarge(RemoteProtocolError):
    """The body exceeds the configured size or item limits."""

    code = 413
    text = "Payload Too Large"


class ExpectationFailed(RemoteProtocolError):
    """The document names something we do not know: an order, a cart or a document."""

    code = 417
    text = "Expectation Failed"


class NotImplementedRequest(RemoteProtocolError):
    """A request type, version or mode this server does not implement."""

    code = 450
    text = "Not Implemented"


class LocalProtocolError(CXMLError):
    """Our own failure: the partner may retry the same document."""

    code = 500
    text = "Internal Server Error"


class SerializationError(LocalProtocolError):
    """A model holds a value that cannot be written as valid cXML."""
