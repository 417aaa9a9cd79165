"""Log every SQL statement a party's server runs, to count them per punch-in.

Put this directory on ``PYTHONPATH`` and name an existing directory in
``PUNCHIN_SQL_LOG``: each Django process (migrate, seed, the servers) then appends
``<time>\t<statement>`` lines to ``q-<settings>-<pid>.log`` there, through a
``connection.execute_wrapper`` installed on every new connection. A benchmark aid
only (docs/performance.md, "Statements per punch-in"); nothing in ``src`` imports it.

    mkdir /tmp/sql && PUNCHIN_SQL_LOG=/tmp/sql PYTHONPATH=benchmarks/sqlprobe \\
        .venv/bin/python benchmarks/punchin_roundtrip.py -n 20 --concurrency 1 \\
        --integrity 0 --pages 0
    tail -n 40 "$(ls -S /tmp/sql/q-punchin.storefront* | head -1)"

At concurrency 1 the last lines of each server's log are its last punch-ins, one
after the other (SQLite's COMMIT is not a statement: Django calls ``commit()``).
"""

from __future__ import annotations

import os
import time
from typing import Any

_DIRECTORY = os.environ.get("PUNCHIN_SQL_LOG")
_SETTINGS = os.environ.get("DJANGO_SETTINGS_MODULE")

if _DIRECTORY and _SETTINGS:
    from django.db.backends.signals import connection_created

    _log = open(  # noqa: SIM115 - open for the process's lifetime
        os.path.join(_DIRECTORY, f"q-{_SETTINGS}-{os.getpid()}.log"), "a", buffering=1
    )

    def _logged(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        _log.write(f"{time.time():.6f}\t{sql[:250]!r}\n")
        return execute(sql, params, many, context)

    def _wrap(sender: Any, connection: Any, **kwargs: Any) -> None:
        connection.execute_wrappers.append(_logged)

    connection_created.connect(_wrap, weak=False)
