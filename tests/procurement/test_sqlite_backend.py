"""The SQLite backend (punchin.web.sqlite) runs exactly the SQL Django's would.

Its one change is caching the ``%s`` -> ``?`` rewrite, so the rewrite is compared with
Django's own over arbitrary statement texts, and the party's connection is checked to
be the cached backend, answering placeholders, ``%%`` and named parameters as Django's.
"""

from __future__ import annotations

import pytest
from django.db import connection, connections
from django.db.backends.sqlite3.base import SQLiteCursorWrapper as DjangoCursor
from hypothesis import given
from hypothesis import strategies as st

from punchin.web.sqlite import base

_PIECES = st.sampled_from(["%s", "%%", "%%s", "%", "'", "?", "SELECT ", '"a"', ", ", "x"])


@given(st.lists(_PIECES | st.text(max_size=5), max_size=30).map("".join))
def test_the_rewrite_is_djangos(query: str) -> None:
    # Django's convert_query reads nothing of its cursor for the format style.
    assert base._qmark(query) == DjangoCursor.convert_query(None, query)  # type: ignore[arg-type]


@pytest.mark.django_db
def test_the_party_runs_on_the_cached_backend() -> None:
    if connection.vendor != "sqlite":
        pytest.skip("the cached rewrite is SQLite's; PostgreSQL binds %s itself")
    assert isinstance(connections["default"], base.DatabaseWrapper)
    base._qmark.cache_clear()
    with connection.cursor() as cursor:
        for _ in range(3):
            cursor.execute("SELECT %s, '100%%', %s", [7, "a%sb"])
            assert cursor.fetchone() == (7, "100%", "a%sb")
        cursor.execute("SELECT %(n)s || '%%'", {"n": "x"})
        assert cursor.fetchone() == ("x%",)
    assert base._qmark.cache_info().hits >= 2
