"""Login throttling for both parties with django-axes (docs/security.md row 26); the
settings are in ``punchin.web.settings_base._login_throttle``.

Two counts, both over the last ``AXES_COOLOFF_TIME`` (15 minutes):

- failures for one account from one client address: ``AXES_FAILURE_LIMIT`` (5) lock
  that account *at that address* only, so an attacker elsewhere cannot lock the real
  user out;
- failures from one client address over all accounts: ``PUNCHIN_LOGIN_CLIENT_FAILURE_LIMIT``
  (50) lock that address, so one client cannot try five passwords on every account.

A lockout ends by itself: failures while locked out are refused without being counted
(``AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False``), so it lasts the cool-off
from the last counted failure, however often the attacker comes back. A successful
login does not clear the counts (axes' ``AXES_RESET_ON_SUCCESS`` would clear the whole
address's count, so an attacker with an account of their own could reset it at will).
"""

from __future__ import annotations

from typing import Any

from axes.handlers.database import AxesDatabaseHandler
from django.conf import settings
from django.db.models import Sum
from django.http import HttpRequest


def username(request: HttpRequest, credentials: dict[str, Any] | None) -> str | None:
    """The account tried, as both parties look it up: the email, case-insensitively
    (``Approver@acme.example`` and ``approver@acme.example`` are one account)."""
    source = credentials if credentials else request.POST
    value = source.get("username")
    return value.strip().lower() if isinstance(value, str) else None


class LoginThrottle(AxesDatabaseHandler):
    """axes compares the largest count with one limit (``AXES_FAILURE_LIMIT``); the
    client's count over all accounts is scaled so that it reaches that limit at
    ``PUNCHIN_LOGIN_CLIENT_FAILURE_LIMIT`` failures."""

    def get_failures(self, request: HttpRequest, credentials: dict[str, Any] | None = None) -> int:
        # One queryset per entry of AXES_LOCKOUT_PARAMETERS, in that order.
        at_client, from_client = (
            attempts.aggregate(n=Sum("failures_since_start"))["n"] or 0
            for attempts in self.get_user_attempts(request, credentials)
        )
        account_limit = settings.AXES_FAILURE_LIMIT
        client_limit = settings.PUNCHIN_LOGIN_CLIENT_FAILURE_LIMIT
        return max(at_client, from_client * account_limit // client_limit)
