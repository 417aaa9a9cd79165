"""Which URLs we may connect to: the request-forgery guard of docs/security.md row 15.

A PoomUrl (P5, P18) comes from the partner, and an endpoint URL from an account
admin; either could point at our own network. Before any byte is sent, a URL must:

- use https (plain http only to a loopback address, and only when the policy is a
  development one, ``allow_loopback_http``);
- carry no user name or password;
- name a host and port on the policy's list (host exact, case-insensitive;
  ``*.example.com`` for any subdomain; ``*`` for any host and port, still subject to
  the address checks). An entry without a port allows only the scheme's default port,
  so another service on an allowed host (an admin site on :8443) stays out of reach;
- resolve only to public addresses: never loopback (outside development), private,
  link-local, cloud metadata (169.254.169.254), multicast, reserved or unspecified,
  also when hidden in an IPv4-mapped, 6to4 or NAT64 IPv6 address.

The check resolves the name once; the client then connects to exactly those
addresses (``CheckedUrl.addresses``) while TLS and ``Host`` still use the name, so a
DNS answer that changes between check and connect (DNS rebinding) cannot redirect us.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from collections.abc import Iterable
from dataclasses import dataclass

from yarl import URL

from .errors import ConnectFailed, UrlRefused

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

_METADATA = frozenset(
    {ipaddress.ip_address("169.254.169.254"), ipaddress.ip_address("fd00:ec2::254")}
)
# RFC 6052 well-known and RFC 8215 local-use NAT64 prefixes: the last 32 bits are
# the IPv4 address a translator would connect to.
_NAT64 = (ipaddress.ip_network("64:ff9b::/96"), ipaddress.ip_network("64:ff9b:1::/48"))
_HEX = frozenset("0123456789abcdef")


def normalise_host(host: str) -> str:
    """Lower-case, without the trailing dot of a fully-qualified name."""
    return host.lower().rstrip(".")


_DEFAULT_PORTS = {"http": 80, "https": 443}


def _entry(text: str) -> tuple[str, int | None]:
    """An allow-list entry as (host pattern, port or None for the scheme's default).

    Accepted forms: ``host``, ``host:port``, ``[v6]:port``, ``*.domain[:port]``, ``*``,
    or a URL (``https://host:8443/...``), which admins tend to paste.
    """
    text = text.strip()
    if "://" in text:
        url = URL(text)
        return normalise_host(url.raw_host or ""), url.port
    if text.startswith("["):
        host, _, rest = text[1:].partition("]")
        port = rest.removeprefix(":")
        return normalise_host(host), int(port) if port.isdigit() else None
    host, colon, port = text.rpartition(":")
    if colon and port.isdigit() and ":" not in host:
        return normalise_host(host), int(port)
    return normalise_host(text), None


@dataclass(frozen=True, slots=True)
class UrlPolicy:
    """The hosts and ports a URL may name, and whether this is a development setup.

    ``allowed``: entries as ``_entry`` reads them: exact host names or IP literals,
    ``*.example.com`` for any subdomain of example.com (not example.com itself),
    each with an optional port (default: the URL scheme's), or ``*`` for any host
    and port. ``allow_loopback_http``: development only; permits loopback addresses,
    and plain http to them.
    """

    allowed: frozenset[str]
    allow_loopback_http: bool = False

    def __post_init__(self) -> None:
        if isinstance(self.allowed, str):
            raise TypeError("allowed is a set of host[:port] entries, not one string")
        object.__setattr__(self, "allowed", frozenset(e.strip() for e in self.allowed) - {""})

    @classmethod
    def for_urls(cls, urls: Iterable[str], *, allow_loopback_http: bool = False) -> UrlPolicy:
        """The policy that allows exactly the hosts and ports of ``urls`` (the endpoint
        URLs an admin configured), empty ones skipped."""
        entries = set()
        for url in filter(None, urls):
            parsed = URL(url)
            if parsed.raw_host:
                entries.add(f"{parsed.raw_host}:{parsed.port}")
        return cls(frozenset(entries), allow_loopback_http=allow_loopback_http)

    def allows(self, host: str, port: int, scheme: str = "https") -> bool:
        host = normalise_host(host)
        default = _DEFAULT_PORTS.get(scheme)
        for text in self.allowed:
            if text == "*":
                return True
            pattern, allowed_port = _entry(text)
            if (allowed_port if allowed_port is not None else default) != port:
                continue
            if host == pattern or (pattern.startswith("*.") and host.endswith(pattern[1:])):
                return True
        return False


@dataclass(frozen=True, slots=True)
class CheckedUrl:
    """A URL that passed a policy, with the addresses the connection must use."""

    url: URL
    host: str
    port: int
    addresses: tuple[str, ...]


def forbidden_reason(address: IPAddress) -> str | None:
    """Why a connection to ``address`` is refused, or None for a public address."""
    if isinstance(address, ipaddress.IPv6Address):
        embedded = address.ipv4_mapped or address.sixtofour
        if embedded is None and any(address in net for net in _NAT64):
            embedded = ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
        if embedded is not None:
            reason = forbidden_reason(embedded)
            return f"{reason} (embedded in {address})" if reason else None
        if address.teredo:
            return "Teredo tunnel"
    checks = (
        (address in _METADATA, "cloud metadata"),
        (address.is_loopback, "loopback"),
        (address.is_link_local, "link-local"),
        (address.is_multicast, "multicast"),
        (address.is_unspecified, "unspecified"),
        (address.is_reserved, "reserved"),
        (address.is_private, "private"),
        (not address.is_global, "non-public"),
    )
    return next((reason for hit, reason in checks if hit), None)


def parse_url(url: str | URL) -> URL:
    """The URL as yarl reads it, or ``UrlRefused`` if it cannot be one we use."""
    try:
        parsed = url if isinstance(url, URL) else URL(url)
    except (ValueError, TypeError) as exc:
        raise UrlRefused(f"not a valid URL: {exc}") from None
    if parsed.scheme not in ("http", "https"):
        raise UrlRefused(f"scheme {parsed.scheme or '(none)'!r} refused: only https is used")
    if not parsed.raw_host:
        raise UrlRefused("the URL names no host")
    if parsed.user is not None or parsed.password is not None:
        raise UrlRefused("a user name or password in the URL is refused")
    return parsed


async def lookup(host: str, port: int) -> list[str]:
    """The addresses ``host`` resolves to, in resolver order (tests replace this)."""
    loop = asyncio.get_running_loop()
    try:
        infos = await loop.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise ConnectFailed(f"cannot resolve {host}: {exc}") from None
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


def _literal(host: str) -> IPAddress | None:
    try:
        return ipaddress.ip_address(host)
    except ValueError:
        pass
    last = host.rpartition(".")[2]
    if last.isdigit() or (last.startswith("0x") and set(last[2:]) <= _HEX):
        # 2130706433, 127.1, 0x7f.1: resolvers map these onto addresses (WHATWG URL
        # reads a host whose last label is a number as IPv4).
        raise UrlRefused(f"host {host!r} is not a canonical IP address")
    return None


async def check_url(url: str | URL, policy: UrlPolicy) -> CheckedUrl:
    """Apply ``policy`` to ``url``; raise ``UrlRefused`` (or ``ConnectFailed`` if the
    name does not resolve) before any connection is made."""
    parsed = parse_url(url)
    if parsed.scheme == "http" and not policy.allow_loopback_http:
        raise UrlRefused("plain http refused: https is required")
    host = normalise_host(parsed.raw_host or "")
    port = parsed.port or _DEFAULT_PORTS[parsed.scheme]
    if not policy.allows(host, port, parsed.scheme):
        raise UrlRefused(f"{host}:{port} is not on the list of allowed hosts and ports")
    literal = _literal(host)
    addresses = [str(literal)] if literal is not None else await lookup(host, port)
    if not addresses:
        raise ConnectFailed(f"{host} resolves to no address")
    for text in addresses:
        address = ipaddress.ip_address(text)
        if address.is_loopback and policy.allow_loopback_http:
            continue
        reason = forbidden_reason(address)
        if reason:
            raise UrlRefused(f"{host} resolves to {text}, a {reason} address: refused")
        if parsed.scheme == "http":
            raise UrlRefused(f"plain http refused: {host} resolves to non-loopback {text}")
    return CheckedUrl(url=parsed, host=host, port=port, addresses=tuple(addresses))
