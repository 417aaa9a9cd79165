"""The HTTP client both parties use to exchange cXML documents.

One ``CxmlClient`` per process (or per event loop) keeps connections alive between
documents: aiohttp was chosen over httpx by measurement (docs/performance.md) and stays
behind this module so it can be swapped. Every request is bounded in time and size,
never follows a redirect, and fails with a ``TransportError`` that says whether a
retry can help.
"""

from __future__ import annotations

import asyncio
import email.utils
import socket
import ssl
import time
from collections.abc import Mapping
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import UTC, datetime
from types import TracebackType

import aiohttp
from aiohttp.abc import AbstractResolver, ResolveResult
from multidict import CIMultiDict, CIMultiDictProxy
from yarl import URL

from .auth import Auth, BasicAuth, BearerAuth, ClientCertificate, check_header_value, tls_context
from .errors import (
    BadReply,
    ConnectFailed,
    RedirectRefused,
    ReplyTooLarge,
    Timeout,
    TLSFailed,
    TransportError,
    UrlRefused,
)
from .policy import CheckedUrl, UrlPolicy, check_url, normalise_host, parse_url

DEFAULT_USER_AGENT = "punchin PunchIn 1.0"
DEFAULT_MAX_BYTES = 10 * 2**20
EXCERPT_BYTES = 2048
# First pause between fetch attempts; doubled each time, never past the deadline.
BACKOFF = 0.2

# The URL the current task checked; the pinned resolver answers only for it.
_checked: ContextVar[CheckedUrl | None] = ContextVar("punchin_transport_checked", default=None)


@dataclass(frozen=True, slots=True)
class HttpReply:
    """What the peer answered: status, headers (case-insensitive), body, seconds taken."""

    status: int
    headers: Mapping[str, str] = field(repr=False)
    body: bytes = field(repr=False)
    elapsed: float


class _PinnedResolver(AbstractResolver):
    """Resolves a name to the addresses ``check_url`` approved, and to nothing else.

    aiohttp asks its resolver again at connect time; answering from the checked
    result means a DNS answer that changed since the check (rebinding) is never used.
    The TLS server name and the Host header remain the URL's name.
    """

    async def resolve(
        self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
    ) -> list[ResolveResult]:
        checked = _checked.get()
        if checked is None or normalise_host(host) != checked.host:
            raise OSError(f"{host} was not checked against a UrlPolicy")
        return [
            ResolveResult(
                hostname=host,
                host=address,
                port=port,
                family=socket.AF_INET6 if ":" in address else socket.AF_INET,
                proto=0,
                flags=socket.AI_NUMERICHOST | socket.AI_NUMERICSERV,
            )
            for address in checked.addresses
        ]

    async def close(self) -> None:
        pass


# OpenSSL's alert names, as the account admin reading the failure should see them.
_TLS_REASONS = {
    "TLSV13_ALERT_CERTIFICATE_REQUIRED": "the server requires a client certificate",
    "SSLV3_ALERT_BAD_CERTIFICATE": "the server refused our client certificate",
    "SSLV3_ALERT_CERTIFICATE_UNKNOWN": "the server refused our client certificate",
    "TLSV1_ALERT_UNKNOWN_CA": "the server does not trust our client certificate's issuer",
    "TLSV1_ALERT_PROTOCOL_VERSION": "the server does not speak TLS 1.2 or newer",
    "UNSUPPORTED_PROTOCOL": "the server does not speak TLS 1.2 or newer",
    "WRONG_VERSION_NUMBER": "the server does not speak TLS on this port",
}


def _ssl_error(exc: BaseException | None) -> ssl.SSLError | None:
    """The TLS error behind ``exc``: aiohttp keeps it as ``os_error`` or as a cause."""
    while exc is not None:
        # aiohttp's certificate error is itself an ssl.CertificateError; the one
        # OpenSSL raised is its os_error.
        if isinstance(exc, aiohttp.ClientConnectorError) and isinstance(exc.os_error, ssl.SSLError):
            return exc.os_error
        if isinstance(exc, ssl.SSLError):
            return exc
        exc = exc.__cause__ or exc.__context__
    return None


def _translate(exc: Exception, host: str) -> TransportError:
    """aiohttp's and the socket layer's errors as ours, with a reason a person can act on."""
    if isinstance(exc, aiohttp.InvalidURL):
        return UrlRefused(f"not a valid URL: {exc}")
    tls = _ssl_error(exc)
    if isinstance(tls, ssl.SSLCertVerificationError):
        return TLSFailed(f"TLS with {host}: server certificate not accepted: {tls.verify_message}")
    if tls is not None:
        reason = tls.reason or type(tls).__name__
        return TLSFailed(f"TLS with {host} failed: {_TLS_REASONS.get(reason, reason)}")
    if isinstance(exc, aiohttp.ClientSSLError):
        return TLSFailed(f"TLS with {host} failed: {exc}")
    if isinstance(exc, aiohttp.ClientConnectorError):
        return ConnectFailed(f"cannot connect to {exc.host}:{exc.port}: {exc.os_error}")
    return ConnectFailed(f"connection to {host} failed: {exc or type(exc).__name__}")


def _retry_after(value: str | None) -> float | None:
    """Seconds from a ``Retry-After`` header (delta-seconds or HTTP-date), if valid."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        return None
    return max(0.0, (when - datetime.now(UTC)).total_seconds())


async def _read_capped(response: aiohttp.ClientResponse, max_bytes: int) -> bytes:
    """The body, streamed; stop as soon as it is longer than ``max_bytes``."""
    if response.content_length is not None and response.content_length > max_bytes:
        raise ReplyTooLarge(f"answer declares {response.content_length} bytes, cap {max_bytes}")
    chunks: list[bytes] = []
    size = 0
    async for chunk in response.content.iter_chunked(65536):
        size += len(chunk)
        if size > max_bytes:
            raise ReplyTooLarge(f"answer longer than the cap of {max_bytes} bytes")
        chunks.append(chunk)
    return b"".join(chunks)


class CxmlClient:
    """Posts and fetches cXML over keep-alive connections.

    Use as ``async with CxmlClient() as client``. ``ca_file`` replaces the system
    trust store (tests trust their own CA). Requests checked by a ``UrlPolicy`` use a
    connection pool of their own, so they never reuse a connection that an unchecked
    request (or one under a development policy) opened to an address the policy
    would refuse.
    """

    def __init__(self, ca_file: str | None = None) -> None:
        self._ca_file = ca_file
        self._sessions: dict[bool | None, aiohttp.ClientSession] = {}
        self._closed = False

    async def __aenter__(self) -> CxmlClient:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.close()

    async def close(self) -> None:
        """Close every pooled connection; the client cannot be used afterwards."""
        self._closed = True
        sessions, self._sessions = list(self._sessions.values()), {}
        for session in sessions:
            await session.close()

    def _session(self, policy: UrlPolicy | None) -> aiohttp.ClientSession:
        # One pool for unchecked requests, one per kind of policy (see the class doc).
        key = None if policy is None else policy.allow_loopback_http
        session = self._sessions.get(key)
        if session is None:
            if self._closed:
                raise RuntimeError("this CxmlClient is closed")
            connector = aiohttp.TCPConnector(
                resolver=None if policy is None else _PinnedResolver(),
                use_dns_cache=policy is None,
            )
            session = aiohttp.ClientSession(
                connector=connector,
                timeout=aiohttp.ClientTimeout(total=None),
                # Partners' cookies must not travel between documents or partners.
                cookie_jar=aiohttp.DummyCookieJar(),
                # P20 fixes the request headers; aiohttp would add Accept-Encoding.
                skip_auto_headers=("Accept-Encoding",),
            )
            self._sessions[key] = session
        return session

    def _tls_context(self, certificate: ClientCertificate | None) -> ssl.SSLContext:
        try:
            return tls_context(self._ca_file, certificate)
        except (OSError, ssl.SSLError) as exc:
            raise TLSFailed(f"cannot load the TLS certificate or CA: {exc}") from exc

    async def _exchange(
        self,
        method: str,
        url: str | URL,
        *,
        headers: dict[str, str],
        body: bytes | None,
        auth: Auth | None,
        policy: UrlPolicy | None,
        timeout: float,
        max_bytes: int,
    ) -> HttpReply:
        started = time.monotonic()
        host = "(unparsed URL)"
        try:
            async with asyncio.timeout(timeout):
                checked = None if policy is None else await check_url(url, policy)
                target = parse_url(url) if checked is None else checked.url
                host = target.raw_host or host
                certificate = auth if isinstance(auth, ClientCertificate) else None
                if certificate is not None and target.scheme != "https":
                    raise UrlRefused("a client certificate authenticates only over https")
                if isinstance(auth, BasicAuth | BearerAuth):
                    headers = {**headers, "Authorization": auth.header()}
                session = self._session(policy)
                token = _checked.set(checked)
                try:
                    async with session.request(
                        method,
                        target,
                        data=body,
                        headers=headers,
                        ssl=self._tls_context(certificate) if target.scheme == "https" else True,
                        allow_redirects=False,
                    ) as response:
                        try:
                            if 300 <= response.status < 400:
                                raise RedirectRefused(
                                    response.status, response.headers.get("Location")
                                )
                            data = await _read_capped(response, max_bytes)
                        except BaseException:
                            response.close()  # drop the connection: its body is unread
                            raise
                        return HttpReply(
                            status=response.status,
                            headers=CIMultiDictProxy(CIMultiDict(response.headers)),
                            body=data,
                            elapsed=time.monotonic() - started,
                        )
                finally:
                    _checked.reset(token)
        except TransportError:
            raise
        except TimeoutError:
            raise Timeout(f"no complete answer from {host} within {timeout:.3g} s") from None
        except (aiohttp.ClientError, OSError) as exc:
            raise _translate(exc, host) from exc

    async def post(
        self,
        url: str | URL,
        body: bytes,
        *,
        auth: Auth | None = None,
        user_agent: str = DEFAULT_USER_AGENT,
        timeout: float = 30.0,
        max_bytes: int = DEFAULT_MAX_BYTES,
        policy: UrlPolicy | None = None,
    ) -> HttpReply:
        """POST a cXML document with exactly the headers of P20 and return the answer.

        Any status except 3xx is returned for the caller to read (P23 is decided on
        the cXML Status in the body); a 3xx raises ``RedirectRefused``.
        """
        check_header_value("user_agent", user_agent)
        headers = {
            "Content-Type": "text/xml; charset=UTF-8",
            "Accept": "text/xml",
            "User-Agent": user_agent,
            "Connection": "Keep-Alive",
        }
        return await self._exchange(
            "POST",
            url,
            headers=headers,
            body=body,
            auth=auth,
            policy=policy,
            timeout=timeout,
            max_bytes=max_bytes,
        )

    async def fetch(
        self,
        url: str | URL,
        *,
        policy: UrlPolicy,
        deadline: float,
        max_bytes: int = DEFAULT_MAX_BYTES,
        retries: int = 2,
        auth: Auth | None = None,
        user_agent: str = DEFAULT_USER_AGENT,
    ) -> bytes:
        """GET a document (the PoomUrl, P5) and return its body.

        ``deadline`` is a ``time.monotonic()`` value (P19: the PoomUrl answers for a
        minute). Transient failures (5xx, 429, connect errors, timeouts) are tried
        again up to ``retries`` times with backoff, or after the peer's Retry-After
        when that still fits before the deadline; each attempt may use all the time
        left. The last error is raised when time or attempts run out; a final
        non-2xx answer raises ``BadReply``.
        """
        check_header_value("user_agent", user_agent)
        headers = {"Accept": "text/xml", "User-Agent": user_agent}
        attempt = 0
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise Timeout("the deadline passed before the fetch could start")
            try:
                reply = await self._exchange(
                    "GET",
                    url,
                    headers=headers,
                    body=None,
                    auth=auth,
                    policy=policy,
                    timeout=remaining,
                    max_bytes=max_bytes,
                )
                if 200 <= reply.status < 300:
                    return reply.body
                raise BadReply(
                    reply.status,
                    reply.body[:EXCERPT_BYTES],
                    retry_after=_retry_after(reply.headers.get("Retry-After")),
                )
            except TransportError as exc:
                if not exc.transient or attempt >= retries:
                    raise
                delay = BACKOFF * 2**attempt
                if isinstance(exc, BadReply) and exc.retry_after is not None:
                    delay = exc.retry_after
                if time.monotonic() + delay >= deadline:
                    raise
                attempt += 1
                await asyncio.sleep(delay)


def post_sync(
    url: str | URL,
    body: bytes,
    *,
    ca_file: str | None = None,
    auth: Auth | None = None,
    user_agent: str = DEFAULT_USER_AGENT,
    timeout: float = 30.0,
    max_bytes: int = DEFAULT_MAX_BYTES,
    policy: UrlPolicy | None = None,
) -> HttpReply:
    """``CxmlClient.post`` for synchronous code (background workers).

    Runs in a private event loop with its own client, so it must not be called from
    a thread that is already running an event loop (use ``post`` there).
    """

    async def once() -> HttpReply:
        async with CxmlClient(ca_file) as client:
            return await client.post(
                url,
                body,
                auth=auth,
                user_agent=user_agent,
                timeout=timeout,
                max_bytes=max_bytes,
                policy=policy,
            )

    return asyncio.run(once())
