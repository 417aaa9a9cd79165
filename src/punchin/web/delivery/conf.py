"""The delivery settings, with their defaults; read at each use so tests can change them.

``PUNCHIN_DELIVERY_HORIZON``          seconds after enqueue (or "Retry now") during which
                                      transient failures are retried (default 24 h).
``PUNCHIN_DELIVERY_BACKOFF``          first backoff ceiling in seconds, doubled per attempt
                                      (default 5).
``PUNCHIN_DELIVERY_BACKOFF_CAP``      the largest backoff ceiling (default 1 h).
``PUNCHIN_DELIVERY_TIMEOUT``          seconds one attempt may take, connect to last byte
                                      (default 30).
``PUNCHIN_DELIVERY_LEASE_MARGIN``     seconds a claim outlives the timeout before another
                                      worker may take it over (default 30).
``PUNCHIN_DELIVERY_MAX_ANSWER``       bytes of a partner's answer read and kept (default 1 MiB).
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings


def _seconds(name: str, default: float) -> float:
    value = getattr(settings, name, default)
    return value.total_seconds() if isinstance(value, timedelta) else float(value)


def horizon() -> timedelta:
    return timedelta(seconds=_seconds("PUNCHIN_DELIVERY_HORIZON", 24 * 3600))


def backoff() -> float:
    return _seconds("PUNCHIN_DELIVERY_BACKOFF", 5.0)


def backoff_cap() -> float:
    return _seconds("PUNCHIN_DELIVERY_BACKOFF_CAP", 3600.0)


def timeout() -> float:
    return _seconds("PUNCHIN_DELIVERY_TIMEOUT", 30.0)


def lease() -> timedelta:
    """How long a claim holds: the whole send plus a margin for the bookkeeping around it."""
    return timedelta(seconds=timeout() + _seconds("PUNCHIN_DELIVERY_LEASE_MARGIN", 30.0))


def max_answer() -> int:
    return int(getattr(settings, "PUNCHIN_DELIVERY_MAX_ANSWER", 2**20))
