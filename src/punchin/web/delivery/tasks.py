"""The django-tasks task that makes one delivery attempt."""

from __future__ import annotations

from django_tasks import task

from .sending import attempt


@task()
def deliver(delivery_id: int) -> str:
    """Attempt delivery ``delivery_id`` if it is due; a stale or duplicate task is a no-op."""
    return attempt(delivery_id)
