"""What can go wrong between two cXML parties, and whether trying again can help.

Every error says whether a retry is worth it (``transient``), the way cXML itself
splits 4xx from 5xx: the caller retries connect failures and timeouts with backoff
(P23: 500, timeout or connection error), and stops at once on a refused URL, a
redirect or an oversized answer, which the same request will meet again.
"""

from __future__ import annotations


class TransportError(Exception):
    """Base of every error ``punchin.transport`` raises; never carries a secret.

    ``detail`` is for our own log; ``summary`` is what may be told to the partner whose
    URL it was, without addresses, ports or redirect targets (docs/security.md row 15).
    """

    transient: bool = False
    summary = "the request failed"

    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail


class ConnectFailed(TransportError):
    """No connection: refused, reset, unreachable, name not resolved, closed mid-answer."""

    transient = True
    summary = "could not connect"


class Timeout(TransportError):
    """The peer did not answer (completely) within the time allowed."""

    transient = True
    summary = "no complete answer in time"


class TLSFailed(TransportError):
    """The TLS handshake failed: untrusted or mismatched certificate, old protocol,
    client certificate refused. A configuration problem, so not worth retrying."""

    summary = "the TLS handshake failed"


class ReplyTooLarge(TransportError):
    """The answer is longer than the caller's cap; reading stopped at the cap."""

    summary = "the answer is too large"


class RedirectRefused(TransportError):
    """The peer answered 3xx; cXML endpoints are never followed elsewhere
    (docs/security.md rows 15, 20)."""

    summary = "it answered with a redirect, which is not followed"

    def __init__(self, status: int, location: str | None) -> None:
        super().__init__(f"HTTP {status} redirect to {location or '(no Location)'} not followed")
        self.status = status
        self.location = location


class UrlRefused(TransportError):
    """The URL fails the caller's ``UrlPolicy``; nothing was sent (docs/security.md row 15)."""

    summary = "the URL is not allowed"


class BadReply(TransportError):
    """A fetch ended with a non-2xx HTTP status.

    5xx and 429 are transient (the peer may recover); other statuses are the
    request's own fault. ``excerpt`` is the start of the body, for the audit trail;
    ``retry_after`` the seconds the peer asked us to wait, if it said.
    """

    def __init__(self, status: int, excerpt: bytes, *, retry_after: float | None = None) -> None:
        text = excerpt.decode("utf-8", "replace")
        super().__init__(f"HTTP {status}: {text}" if text else f"HTTP {status}")
        self.status = status
        self.excerpt = excerpt
        self.retry_after = retry_after
        self.transient = status >= 500 or status == 429
