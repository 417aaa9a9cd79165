"""The page a refused sign-in shows: what happened and what to do, never a trace."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def refused(request: HttpRequest, reason: str, status: int = 403) -> HttpResponse:
    return render(request, "sso/refused.html", {"reason": reason}, status=status)
