"""The time PunchOut sessions are judged by (StartPage expiry), in one place so that
tests can move it instead of waiting."""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone


def now() -> datetime:
    return timezone.now()
