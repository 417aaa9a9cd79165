from __future__ import annotations

from typing import Any

from django.apps import AppConfig
from django.core import checks

from . import targets


class DeliveryConfig(AppConfig):
    name = "punchin.web.delivery"
    label = "delivery"
    verbose_name = "Outbound deliveries"

    def ready(self) -> None:
        checks.register(check_settings)


def check_settings(**kwargs: Any) -> list[checks.CheckMessage]:
    """The queue must share the deliveries' database (atomic enqueue), and each party
    must say how to reach its partners (checks run after every app's ``ready``)."""
    from django_tasks import task_backends
    from django_tasks_db import DatabaseBackend

    problems: list[checks.CheckMessage] = []
    if not isinstance(task_backends["default"], DatabaseBackend):
        problems.append(
            checks.Error(
                "the default task backend is not django_tasks_db.DatabaseBackend",
                hint='TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}',
                id="delivery.E001",
            )
        )
    if targets.registered() is None:
        problems.append(
            checks.Warning(
                "no delivery TargetResolver is registered: queued documents cannot be sent",
                hint="call punchin.web.delivery.targets.register(...) in an AppConfig.ready",
                id="delivery.W001",
            )
        )
    return problems
