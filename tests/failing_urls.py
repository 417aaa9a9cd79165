"""A URLconf whose one view fails as a bug would, for the test that every 500 leaves its
traceback in the log (``LOGGING`` in punchin.web.settings_base)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.urls import path


def fail(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("a bug in a view")


urlpatterns = [path("fail/", fail)]
