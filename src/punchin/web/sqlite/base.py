"""Django's SQLite backend, its one per-execute string rewrite cached (docs/performance.md).

Django writes SQL with ``%s`` placeholders and its SQLite cursor rewrites them to ``?``
with a regex on every ``execute``: about 9 us for a sixteen-column INSERT on the
benchmark machine, paid again for the same text by every request. The rewrite is a pure
function of the text, so it is cached here; named (``pyformat``) parameters keep Django's
own path. ``ENGINE = "punchin.web.sqlite"`` selects it; everything else is Django's.
"""

from __future__ import annotations

import functools
from typing import Any

from django.db.backends.sqlite3 import base


@functools.lru_cache(maxsize=2048)
def _qmark(query: str) -> str:
    return base.FORMAT_QMARK_REGEX.sub("?", query).replace("%%", "%")


class SQLiteCursorWrapper(base.SQLiteCursorWrapper):
    def convert_query(self, query: str, *, param_names: Any = None) -> str:
        if param_names is None:
            return _qmark(query)
        return super().convert_query(query, param_names=param_names)


class DatabaseWrapper(base.DatabaseWrapper):
    def create_cursor(self, name: str | None = None) -> SQLiteCursorWrapper:
        return self.connection.cursor(factory=SQLiteCursorWrapper)
