"""Fixtures shared by every test package."""

from pathlib import Path

import pytest


@pytest.fixture(scope="session")
def dtd_dir() -> Path:
    """The official cXML DTDs, kept beside the repository (never copied into it)."""
    return Path(__file__).resolve().parents[2] / "shared" / "cxml" / "dtd"
