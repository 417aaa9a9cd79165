"""HTTP authentication schemes of P10: basic, bearer and client certificate.

Values are frozen so a client can cache the TLS context of a certificate by value
(one context per certificate keeps keep-alive pooling working). Secrets stay out of
``repr`` so they never reach a log line.
"""

from __future__ import annotations

import base64
import functools
import os
import ssl
from dataclasses import dataclass, field

_FORBIDDEN_IN_HEADER = frozenset("\r\n\0")


def check_header_value(name: str, value: str) -> None:
    if not value or _FORBIDDEN_IN_HEADER.intersection(value):
        raise ValueError(f"{name} must be non-empty and free of CR, LF and NUL")


@dataclass(frozen=True, slots=True)
class BasicAuth:
    """User ID and password (P10 "basic"), sent as RFC 7617 credentials in UTF-8."""

    user_id: str
    password: str = field(repr=False)

    def __post_init__(self) -> None:
        check_header_value("user_id", self.user_id)
        if ":" in self.user_id:
            raise ValueError("a basic-auth user ID cannot contain ':' (RFC 7617)")
        if _FORBIDDEN_IN_HEADER.intersection(self.password):
            raise ValueError("password must be free of CR, LF and NUL")

    def header(self) -> str:
        token = base64.b64encode(f"{self.user_id}:{self.password}".encode()).decode("ascii")
        return f"Basic {token}"


@dataclass(frozen=True, slots=True)
class BearerAuth:
    """A bearer token (P10 "bearer"), sent as ``Authorization: Bearer <token>``."""

    token: str = field(repr=False)

    def __post_init__(self) -> None:
        check_header_value("token", self.token)
        if any(c.isspace() for c in self.token):
            raise ValueError("a bearer token cannot contain whitespace")

    def header(self) -> str:
        return f"Bearer {self.token}"


@dataclass(frozen=True, slots=True)
class ClientCertificate:
    """A client certificate and its private key, PEM files (P10 "certificate").

    The certificate authenticates us during the TLS handshake, so it only works
    over https.
    """

    cert_file: str
    key_file: str
    password: str | None = field(default=None, repr=False)


Auth = BasicAuth | BearerAuth | ClientCertificate


def tls_context(ca_file: str | None, certificate: ClientCertificate | None) -> ssl.SSLContext:
    """The shared TLS client context for this trust store and client certificate.

    Building a context that loads the system trust store takes tens of milliseconds,
    longer than a whole loopback round trip, so contexts are built once per process.
    A certificate file replaced on disk (same path, new content) gets a new context:
    the files' modification times are part of the key.
    """
    files = [] if certificate is None else [certificate.cert_file, certificate.key_file]
    stamps = tuple(os.stat(path).st_mtime_ns for path in files)
    return _tls_context(ca_file, certificate, stamps)


@functools.lru_cache(maxsize=256)
def _tls_context(
    ca_file: str | None, certificate: ClientCertificate | None, stamps: tuple[int, ...]
) -> ssl.SSLContext:
    """A verifying TLS client context: TLS 1.2 at least (P20), hostname checked.

    ``ca_file`` replaces the system trust store (tests trust their own CA);
    ``certificate`` adds our client certificate.
    """
    context = ssl.create_default_context(cafile=ca_file)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    if certificate is not None:
        context.load_cert_chain(
            certificate.cert_file, certificate.key_file, password=certificate.password
        )
    return context
