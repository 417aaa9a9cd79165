"""Which URLs a Punch-in party may hand out: https (P20), plain http only to loopback."""

from __future__ import annotations

import ipaddress
from urllib.parse import urlsplit

from .findings import Finding, failed, passed


def is_loopback(host: str) -> bool:
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def check_url(check: str, url: str, step: str = "") -> Finding:
    """PASS for an absolute https URL, or http to a loopback host (development only)."""
    parts = urlsplit(url.strip())
    if not parts.scheme or not parts.hostname:
        return failed(check, f"{url!r} is not an absolute URL", step)
    if parts.scheme == "https":
        return passed(check, url, step)
    if parts.scheme == "http" and is_loopback(parts.hostname):
        return passed(check, f"{url} (plain http to loopback: development only)", step)
    return failed(check, f"{url}: Punch-in runs over https (P20)", step)
