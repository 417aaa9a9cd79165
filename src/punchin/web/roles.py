"""Who may open a page, and the navigation that follows from it: one check per role.

A view guarded by a ``Role`` refuses everyone the check refuses with a 403 that says,
in words, whom the page is for; the site's navigation shows a link exactly when the
role of the view behind it allows the user (``visible``). Both read the same check,
so a link never leads to a refusal and no usable page goes unlinked.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.urls import reverse

AnyUser = AbstractBaseUser | AnonymousUser
View = Callable[..., HttpResponse]


@dataclass(frozen=True, slots=True)
class Role:
    """A check on the signed-in user, and what a refused user is told."""

    allows: Callable[[Any], bool]
    refusal: str

    def admits(self, user: AnyUser) -> bool:
        return bool(user.is_authenticated and user.is_active and self.allows(user))

    def required(self, view: View) -> View:
        """Guard ``view``: signed-out visitors go to the login page, others this role
        does not admit get a 403 with ``refusal`` (in the site's layout)."""

        @functools.wraps(view)
        def guarded(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
            if not self.admits(request.user):
                raise PermissionDenied(self.refusal)
            return view(request, *args, **kwargs)

        return login_required(guarded)


SIGNED_IN = Role(lambda user: True, "Sign in first.")


def is_staff(user: Any) -> bool:
    return bool(user.is_staff)


def administers_something(user: Any) -> bool:
    """Staff the admin site shows at least one model to: a staff login without any
    permission (the store's fulfilment team) would find it empty."""
    return bool(user.is_staff and (user.is_superuser or user.get_all_permissions()))


STAFF = Role(is_staff, "These pages are for staff.")
ADMINISTRATION = Role(administers_something, "The administration is for admins.")


@dataclass(frozen=True, slots=True)
class Link:
    """A navigation entry: ``label`` to the page named ``url_name``, shown to whom
    ``role`` (the role that page's view requires) admits."""

    label: str
    url_name: str
    role: Role
    id: str = ""


def visible(links: Sequence[Link], user: AnyUser) -> list[dict[str, str]]:
    """The entries ``user`` may follow, each with its label, URL and id."""
    return [
        {"label": link.label, "url": reverse(link.url_name), "id": link.id}
        for link in links
        if link.role.admits(user)
    ]


def navigation_tag(links: Sequence[Link]) -> Callable[[Any], list[dict[str, str]]]:
    """A party's ``{% navigation as links %}`` tag over ``links`` (takes the context)."""

    def navigation(context: Any) -> list[dict[str, str]]:
        user = context.get("user")
        return visible(links, user) if user is not None else []

    return navigation
