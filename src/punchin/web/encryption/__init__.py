"""Secrets at rest, encrypted under keys from the environment (docs/security.md row 28).

``PUNCHIN_SECRET_KEYS`` holds comma-separated Fernet keys, used through
``cryptography``'s ``MultiFernet``: the first encrypts, every one decrypts. A new key
goes first, the old one stays behind it until ``rotate_secret_keys`` has re-encrypted
everything under the new one; then the old one can go.

Without the variable a key derived from ``SECRET_KEY`` stands in, for the demo and the
tests only, because that key lives wherever ``SECRET_KEY`` does (a file in the data
directory). Outside ``PUNCHIN_DEV`` and ``DEBUG`` nothing runs with it: the web server
refuses to start (``punchin.web.asgi``), and so do the delivery worker,
``rotate_secret_keys`` and a migration with secrets to encrypt (``require_keys``);
``check --deploy`` reports it (``apps``).

A stored value carries a scheme prefix (``enc1:``), so a value written in clear before
encryption existed is told from a ciphertext (the migrations encrypt those), and a
later scheme from this one. An empty value is stored empty: that a secret is not set is
no secret.
"""

from __future__ import annotations

import base64
import functools

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.crypto import salted_hmac

PREFIX = "enc1:"
_PREFIX_BYTES = PREFIX.encode()
_FALLBACK_SALT = "punchin.web.encryption.fallback-key"
KEYS_VARIABLE = "PUNCHIN_SECRET_KEYS"


class SecretUnreadable(Exception):
    """A stored secret that no configured key opens, or one stored in clear: a
    configuration fault to fix, never a value to use."""


def configured_keys() -> tuple[str, ...]:
    return tuple(settings.PUNCHIN_SECRET_KEYS)


@functools.lru_cache(maxsize=8)
def _fallback_key(secret_key: str) -> str:
    digest = salted_hmac(_FALLBACK_SALT, "fernet", secret=secret_key, algorithm="sha256").digest()
    return base64.urlsafe_b64encode(digest).decode("ascii")


@functools.lru_cache(maxsize=8)
def _fernet(keys: tuple[str, ...]) -> MultiFernet:
    return MultiFernet([Fernet(key) for key in keys])


def _current() -> MultiFernet:
    # Keyed on the keys themselves, so a change of settings (tests, rotation) applies.
    return _fernet(configured_keys() or (_fallback_key(settings.SECRET_KEY),))


def problems() -> list[str]:
    """What is wrong with the key configuration, in words an operator can act on."""
    found = []
    for number, key in enumerate(configured_keys(), start=1):
        try:
            Fernet(key)
        except ValueError:
            found.append(
                f"{KEYS_VARIABLE}: key {number} is not a Fernet key "
                "(32 bytes in url-safe base64, 44 characters)"
            )
    if not configured_keys() and not (settings.PUNCHIN_DEV or settings.DEBUG):
        found.append(
            f"{KEYS_VARIABLE} is not set: partners' secrets would be encrypted under a key "
            "derived from SECRET_KEY, which is for the demo and tests only"
        )
    return found


def require_keys() -> None:
    """Refuse to go on while ``problems`` reports any."""
    if found := problems():
        raise ImproperlyConfigured("; ".join(found))


def is_sealed(stored: str | bytes) -> bool:
    """Whether ``stored`` is in this module's form (else it was written in clear)."""
    if isinstance(stored, str):
        return stored.startswith(PREFIX)
    return stored.startswith(_PREFIX_BYTES)


# Text columns keep the token as it is; binary ones its bytes, a quarter smaller.
def _token(stored: str | bytes) -> bytes:
    if not is_sealed(stored):
        raise SecretUnreadable("a secret is stored in clear: run the migrations")
    if isinstance(stored, str):
        return stored[len(PREFIX) :].encode("ascii")
    return base64.urlsafe_b64encode(stored[len(_PREFIX_BYTES) :])


def _as_text(token: bytes) -> str:
    return PREFIX + token.decode("ascii")


def _as_bytes(token: bytes) -> bytes:
    return _PREFIX_BYTES + base64.urlsafe_b64decode(token)


def _unreadable() -> SecretUnreadable:
    return SecretUnreadable(
        f"a stored secret opens with none of the keys in {KEYS_VARIABLE}: was a key "
        "removed before rotate_secret_keys re-encrypted everything under the new one?"
    )


def seal_text(value: str) -> str:
    if not value:
        return value
    return _as_text(_current().encrypt(value.encode("utf-8")))


def seal_bytes(value: bytes) -> bytes:
    if not value:
        return value
    return _as_bytes(_current().encrypt(value))


def _decrypted(stored: str | bytes) -> bytes:
    try:
        return _current().decrypt(_token(stored))
    except InvalidToken:
        raise _unreadable() from None


def open_text(stored: str) -> str:
    return _decrypted(stored).decode("utf-8") if stored else stored


def open_bytes(stored: bytes) -> bytes:
    return _decrypted(stored) if stored else stored


def rotated(stored: str | bytes) -> str | bytes:
    """``stored`` re-encrypted under the first key (``MultiFernet.rotate``), the empty
    value unchanged; the clear text never leaves ``cryptography``."""
    if not stored:
        return stored
    try:
        token = _current().rotate(_token(stored))
    except InvalidToken:
        raise _unreadable() from None
    return _as_text(token) if isinstance(stored, str) else _as_bytes(token)
