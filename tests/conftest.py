"""Fixtures shared by every test package."""

from pathlib import Path

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
