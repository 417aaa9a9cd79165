"""``rotate_secret_keys``: re-encrypt every secret at rest under the first key.

Put the new key first in ``PUNCHIN_SECRET_KEYS``, keep the old ones behind it, restart
every process of the party (web and worker) so all of them encrypt under the new key,
then run this; afterwards the old keys can be removed (deploy/README.md).
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.db import connection

from punchin.web.encryption import require_keys
from punchin.web.encryption.fields import rotate_all


class Command(BaseCommand):
    help = "Re-encrypt every secret at rest under the first key of PUNCHIN_SECRET_KEYS."

    def handle(self, *args: Any, **options: Any) -> None:
        require_keys()
        total = 0
        for column, count in rotate_all(connection):
            self.stdout.write(f"{column}: {count} re-encrypted")
            total += count
        self.stdout.write(self.style.SUCCESS(f"{total} values re-encrypted under the first key"))
