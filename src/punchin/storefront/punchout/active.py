"""The PunchOut session a request shops in, if any: the one its user signed in to
through the StartPage, while it is still shopping."""

from __future__ import annotations

from django.http import HttpRequest

from punchin.storefront.punchout.models import PunchOutSession, State

SESSION_KEY = "punchout_session"
_CACHE = "_punchout_session"


def active_session(request: HttpRequest) -> PunchOutSession | None:
    """Read once per request; a session that ended (or another user's) is forgotten."""
    if hasattr(request, _CACHE):
        cached: PunchOutSession | None = getattr(request, _CACHE)
        return cached
    found = None
    pk = request.session.get(SESSION_KEY) if hasattr(request, "session") else None
    if pk is not None and request.user.is_authenticated:
        found = (
            PunchOutSession.objects.select_related("system")
            .filter(pk=pk, user=request.user, state=State.SHOPPING)
            .first()
        )
        if found is None:
            request.session.pop(SESSION_KEY, None)
    setattr(request, _CACHE, found)
    return found


def enter(request: HttpRequest, session: PunchOutSession) -> None:
    """From now on this browser shops in ``session`` (after the sign-in)."""
    request.session[SESSION_KEY] = session.pk
    setattr(request, _CACHE, session)


def leave(request: HttpRequest) -> None:
    request.session.pop(SESSION_KEY, None)
    setattr(request, _CACHE, None)
