"""Signing a Django test client in as a login page does."""

from __future__ import annotations

from django.test import Client, RequestFactory


def login(client: Client, username: str, password: str) -> bool:
    """``client.login`` with the request a login page passes along: the login throttle
    (django-axes, punchin.web.logins) refuses an ``authenticate()`` call without one,
    since it cannot tell which client is trying."""
    request = RequestFactory().post("/")
    return client.login(request=request, username=username, password=password)
