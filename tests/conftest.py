"""Fixtures shared by every test package."""

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.capabilities import install_line


@pytest.fixture(scope="session")
def dtd_dir() -> Path:
    """The official cXML DTDs, kept beside the repository (never copied into it)."""
    return Path(__file__).resolve().parents[2] / "shared" / "cxml" / "dtd"


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """One line per pass when tests were skipped for a missing program (tests.capabilities)."""
    reasons = [
        report.longrepr[2]
        for report in terminalreporter.stats.get("skipped", [])
        if isinstance(report.longrepr, tuple)
    ]
    line = install_line(reasons)
    if line:
        terminalreporter.write_line(line, yellow=True, bold=True)


# Kept by the flush: the rows every migrated database holds, which post_migrate would
# otherwise recreate after every transactional test (about 0.1 s each time).
KEPT_BY_FLUSH = frozenset({"django_content_type", "auth_permission"})


@pytest.fixture(scope="session", autouse=True)
def _fast_flush() -> Iterator[None]:
    """Transactional tests (live servers on other threads need committed rows) empty the
    database after each one, which was most of the PostgreSQL passes' time. Two cuts:
    content types and permissions are kept (migrations made them; no test changes them),
    and on PostgreSQL the rows go by DELETE rather than Django's TRUNCATE of every table
    (0.5-0.9 s per test here, against 10-25 ms). Django's foreign keys are DEFERRABLE
    INITIALLY DEFERRED and the flush is one transaction, so the DELETEs' order does not
    matter."""
    from django.conf import settings

    if not settings.configured:
        yield
        return
    from django.db import connection

    operations = type(connection.ops)
    flush = operations.sql_flush
    postgres = connection.vendor == "postgresql"

    def kept(self: Any, style: Any, tables: Any, **options: bool) -> list[str]:
        tables = [table for table in tables if table not in KEPT_BY_FLUSH]
        if postgres and not any(options.values()):  # TRUNCATE's own options
            # Table names from Django's own introspection, quoted.
            return [f"DELETE FROM {self.quote_name(table)};" for table in tables]  # noqa: S608
        return flush(self, style, tables, **options)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(operations, "sql_flush", kept)
        yield
