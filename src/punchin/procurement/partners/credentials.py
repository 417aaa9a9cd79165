"""Digests of the credentials partners present, and constant-time checks of them.

A keyed SHA-256 (Django's ``salted_hmac`` over ``SECRET_KEY``) rather than a password
hasher: these are machine-to-machine secrets checked on every request, where a
PBKDF2 round of a few hundred milliseconds would be the endpoint's whole time budget;
the key keeps a stolen database from being brute-forced offline. Rotating
``SECRET_KEY`` means entering the partners' credentials again.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import ssl
from urllib.parse import unquote

from django.utils.crypto import salted_hmac

_SALT = "punchin.procurement.partners.credential"
_HEX64 = re.compile(r"[0-9a-f]{64}")


def digest(value: str) -> str:
    """The stored form of a SharedSecret, password or token (64 hex characters)."""
    return salted_hmac(_SALT, value, algorithm="sha256").hexdigest()


def matches(presented: str, stored_digest: str) -> bool:
    """``presented`` is the credential ``stored_digest`` was made from; constant time."""
    return hmac.compare_digest(digest(presented).encode(), stored_digest.encode())


def normalise_fingerprint(value: str) -> str:
    """``AB:CD:...`` or ``abcd...`` to 64 lowercase hex characters (ValueError if not)."""
    cleaned = value.replace(":", "").strip().lower()
    if _HEX64.fullmatch(cleaned) is None:
        raise ValueError("a SHA-256 fingerprint is 64 hexadecimal characters")
    return cleaned


def fingerprint_of_forwarded(escaped_pem: str) -> str | None:
    """SHA-256 fingerprint of a certificate nginx forwarded as ``$ssl_client_escaped_cert``.

    nginx offers only a SHA-1 fingerprint variable, so the proxy forwards the whole
    certificate and the fingerprint is computed here. None if it is not a certificate.
    """
    try:
        der = ssl.PEM_cert_to_DER_cert(unquote(escaped_pem).strip())
    except (ValueError, UnicodeError):
        return None
    return hashlib.sha256(der).hexdigest()
