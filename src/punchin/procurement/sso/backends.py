"""The authentication backend that single sign-on sessions are recorded under.

It authenticates nobody by itself (the SSO views log the user in once the provider's
answer passed its checks); Django needs it listed in AUTHENTICATION_BACKENDS to load
the user of such a session again.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser
from django.http import HttpRequest

from punchin.web.sessions import UserBackend

BACKEND = "punchin.procurement.sso.backends.SingleSignOnBackend"


class SingleSignOnBackend(UserBackend):
    def authenticate(
        self, request: HttpRequest | None, *args: Any, **kwargs: Any
    ) -> AbstractBaseUser | None:
        return None
