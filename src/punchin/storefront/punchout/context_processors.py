"""Every page knows the PunchOut session it is shown in, for the banner and the cart."""

from __future__ import annotations

from django.http import HttpRequest

from punchin.storefront.punchout.active import active_session


def punchout(request: HttpRequest) -> dict[str, object]:
    return {"punchout": active_session(request)}
