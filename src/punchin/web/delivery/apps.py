from __future__ import annotations

from typing import Any

from django.apps import AppConfig
from django.conf import settings
from django.core import checks


class DeliveryConfig(AppConfig):
    name = "punchin.web.delivery"
    label = "delivery"
    verbose_name = "Outbound deliveries"

    def ready(self) -> None:
        checks.register(check_settings)


def check_settings(**kwargs: Any) -> list[checks.CheckMessage]:
    """The queue must share the deliveries' database (atomic enqueue), and each party
    must say how to reach its partners."""
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
    if not getattr(settings, "PUNCHIN_DELIVERY_TARGET_RESOLVER", ""):
        problems.append(
            checks.Warning(
                "PUNCHIN_DELIVERY_TARGET_RESOLVER is not set: queued documents cannot be sent",
                hint="the dotted path of resolve(partner_key) -> delivery.services.Target",
                id="delivery.W001",
            )
        )
    return problems
