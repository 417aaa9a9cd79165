from __future__ import annotations

from typing import Any

from django.apps import AppConfig
from django.core import checks


class EncryptionConfig(AppConfig):
    name = "punchin.web.encryption"
    label = "encryption"
    verbose_name = "Secrets at rest"

    def ready(self) -> None:
        checks.register(check_keys, deploy=True)


def check_keys(**kwargs: Any) -> list[checks.CheckMessage]:
    """``check --deploy`` reports keys that are missing or unusable outside development
    (what refuses to run without them: ``punchin.web.encryption``)."""
    from punchin.web import encryption

    return [
        checks.Error(
            problem,
            hint='generate a key with python -c "from cryptography.fernet import Fernet; '
            'print(Fernet.generate_key().decode())" (deploy/README.md)',
            id="encryption.E001",
        )
        for problem in encryption.problems()
    ]
