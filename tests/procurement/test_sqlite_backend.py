"""The SQLite backend (punchin.web.sqlite) runs exactly the SQL Django's would.

Its one change is caching the ``%s`` -> ``?`` rewrite, so the rewrite is compared with
Django's own over arbitrary statement texts, and the party's connection is checked to
be the cached backend, answering placeholders, ``%%`` and named parameters as Django's.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from django.db import connection, connections
from django.db.backends.sqlite3.base import SQLiteCursorWrapper as DjangoCursor
from django.db.utils import ConnectionHandler
from hypothesis import given
from hypothesis import strategies as st

from punchin.web import settings_base
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


def test_a_sqlite_database_url_gets_the_same_sqlite(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """``DATABASE_URL=sqlite:///...`` (the worker tests' way) runs as the default does:
    the cached backend, WAL and IMMEDIATE transactions, the test database beside it."""
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'party.sqlite3'}")
    config = settings_base._database(tmp_path / "unused", "procurement")
    assert config["TEST"]["NAME"] == tmp_path / "test-party.sqlite3"
    handler = ConnectionHandler({"default": config})
    try:
        wrapper = handler["default"]
        assert isinstance(wrapper, base.DatabaseWrapper)
        raw = wrapper.get_new_connection(wrapper.get_connection_params())
        try:
            assert raw.execute("PRAGMA journal_mode").fetchone() == ("wal",)
        finally:
            raw.close()
        assert wrapper.transaction_mode == "IMMEDIATE"
    finally:
        handler.close_all()
