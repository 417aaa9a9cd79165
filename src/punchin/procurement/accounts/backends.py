"""Log in with email and password: people know their email, not a username."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.base_user import AbstractBaseUser
from django.http import HttpRequest

from punchin.web.sessions import UserBackend


class EmailBackend(UserBackend):
    """Django's ``ModelBackend`` (as ``UserBackend``) finding the user by email, any case."""

    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> AbstractBaseUser | None:
        if not username or password is None:
            return None
        users = list(get_user_model().objects.filter(email__iexact=username.strip())[:2])
        if len(users) != 1:
            # Unknown or ambiguous email: spend the hasher's time anyway so the answer
            # time does not tell which emails exist (as ModelBackend does).
            get_user_model()().set_password(password)
            return None
        user = users[0]
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None
