"""Where a sign-in returns to: kept on our side, keyed by the state or RelayState.

The browser carries only a random key to the identity provider and back; the page to
return to stays in the session, so neither a tampered key nor a forged ``next`` can
send anyone elsewhere (docs/security.md rows 29 and 34).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.sessions.backends.base import SessionBase
from django.http import HttpRequest
from django.shortcuts import resolve_url
from django.utils.http import url_has_allowed_host_and_scheme

from punchin.procurement.sso.models import IdentityProvider
from punchin.procurement.sso.provisioning import SignInRefused

_KEY = "sso_pending"
# A person may start several sign-ins (two tabs); only the newest few are kept.
_MAX_PENDING = 5


def not_started_here() -> SignInRefused:
    return SignInRefused(
        "This sign-in answer does not belong to a sign-in started in this browser "
        "(it was altered, used already, or started elsewhere). Start again."
    )


def safe_next(request: HttpRequest, value: str | None) -> str:
    """``value`` if it is a path on this site, else the page after login."""
    if (
        value
        and value.startswith("/")
        and not value.startswith(("//", "/\\"))
        and url_has_allowed_host_and_scheme(value, allowed_hosts={request.get_host()})
    ):
        return value
    return resolve_url(settings.LOGIN_REDIRECT_URL)


def remember(session: SessionBase, key: str, provider: IdentityProvider, next_path: str) -> None:
    pending: dict[str, Any] = session.get(_KEY, {})
    pending[key] = {"provider": provider.pk, "next": next_path}
    session[_KEY] = dict(list(pending.items())[-_MAX_PENDING:])


def pending_provider(session: SessionBase, key: str) -> int | None:
    """The provider a pending sign-in with this key was started at, if any."""
    found = session.get(_KEY, {}).get(key) if key else None
    return int(found["provider"]) if found else None


def absolute(request: HttpRequest, path: str) -> str:
    """``path`` on our public base URL (``PUNCHIN_PUBLIC_URL`` behind a proxy)."""
    return (settings.PUNCHIN_PUBLIC_URL or request.build_absolute_uri("/")).rstrip("/") + path


def recall(session: SessionBase, key: str, provider: IdentityProvider) -> str:
    """The page the sign-in started for; used once. ``SignInRefused`` for an unknown key."""
    pending: dict[str, Any] = session.get(_KEY, {})
    found = pending.pop(key, None) if key else None
    session[_KEY] = pending
    if found is None or found["provider"] != provider.pk:
        raise not_started_here()
    return str(found["next"])
