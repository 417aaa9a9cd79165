"""Which URLs we may connect to: the request-forgery guard of docs/security.md row 15.

A PoomUrl (P5, P18) comes from the partner, and an endpoint URL from an account
admin; either could point at our own network. Before any byte is sent, a URL must:

- use https (plain http only to a loopback address, and only when the policy is a
  development one, ``allow_loopback_http``);
- carry no user name or password;
- name a host on the policy's list (exact, case-insensitive; ``*.example.com`` for
  any subdomain; ``*`` for any host, still subject to the address checks);
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


@dataclass(frozen=True, slots=True)
class UrlPolicy:
    """The hosts a URL may name, and whether this is a development setup.

    ``allowed_hosts``: exact host names or IP literals, ``*.example.com`` for any
    subdomain of example.com (not example.com itself), or ``*`` for any host.
    ``allow_loopback_http``: development only; permits loopback addresses, and plain
    http to them.
    """

    allowed_hosts: frozenset[str]
    allow_loopback_http: bool = False

    def __post_init__(self) -> None:
        if isinstance(self.allowed_hosts, str):
            raise TypeError("allowed_hosts is a set of host names, not one string")
        hosts = frozenset(normalise_host(h.strip()) for h in self.allowed_hosts)
        object.__setattr__(self, "allowed_hosts", hosts - {""})

    def allows_host(self, host: str) -> bool:
        host = normalise_host(host)
        if "*" in self.allowed_hosts or host in self.allowed_hosts:
            return True
        return any(
            entry.startswith("*.") and host.endswith(entry[1:]) for entry in self.allowed_hosts
        )


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
    if not policy.allows_host(host):
        raise UrlRefused(f"host {host!r} is not on the list of allowed hosts")
    port = parsed.port or (443 if parsed.scheme == "https" else 80)
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
