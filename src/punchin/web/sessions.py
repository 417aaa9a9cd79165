"""Session and user loading as prepared statements (issue 13).

Every signed-in page reads its session row and its user before the view runs; through
the ORM each costs more CPU to compile than to run (docs/performance.md). The session
store and the user backend below are Django's database ones with those two reads
prepared (``punchin.web.prepared``); everything else - saving, expiry, the session's
signing, permission checks - is Django's own.

Sessions record the backend that signed the user in: sessions opened under Django's
``ModelBackend`` before this backend replaced it are signed out once.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.sessions.backends import db
from django.contrib.sessions.models import Session
from django.utils import timezone

from punchin.web.prepared import Select

_SESSION: Select[Session] = Select(
    lambda key, now: Session.objects.filter(session_key=key, expire_date__gt=now)
)
_USER: Select[Any] = Select(lambda pk: get_user_model()._default_manager.filter(pk=pk))


class SessionStore(db.SessionStore):
    """Django's database session store; the row is read by a prepared statement."""

    def _get_session_from_db(self) -> Session | None:
        session = _SESSION.one(key=self.session_key, now=timezone.now())
        if session is None:
            self._session_key = None
        return session


class UserBackend(ModelBackend):
    """Django's ``ModelBackend``; the signed-in user is read by a prepared statement."""

    def get_user(self, user_id: Any) -> AbstractBaseUser | None:
        user = _USER.one(pk=user_id)
        return user if user is not None and self.user_can_authenticate(user) else None
