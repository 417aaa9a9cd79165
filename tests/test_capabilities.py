"""A pass that skipped tests for a missing program ends with one line saying what to
install (tests.capabilities, tests/conftest.py), and says nothing when none was missing."""

from __future__ import annotations

import pytest

pytest_plugins = ["pytester"]

_TESTS = """
from tests.capabilities import needs

@needs("nginx", "nginx-light", found=False)
def test_behind_nginx(): pass

@needs("nginx", "nginx-light", found=False)
def test_behind_nginx_again(): pass

@needs("strace", "strace", found=False)
def test_traced(): pass

@needs("xmlsec1", "xmlsec1", found=True)
def test_signed(): pass
"""


@pytest.fixture
def suite(pytester: pytest.Pytester) -> pytest.Pytester:
    pytester.makeconftest("from tests.conftest import pytest_terminal_summary  # noqa: F401\n")
    return pytester


def test_one_line_names_what_is_missing_and_what_to_install(suite: pytest.Pytester) -> None:
    suite.makepyfile(_TESTS)
    result = suite.runpytest("-p", "no:asyncio")
    result.assert_outcomes(passed=1, skipped=3)
    lines = [line for line in result.outlines if "apt-get install" in line and "Skipped" in line]
    assert lines == [
        "Skipped 2 for lack of nginx, 1 for lack of strace: install with "
        "`apt-get install nginx-light strace` (scripts/test does, as root)."
    ]


def test_nothing_is_said_when_nothing_was_missing(suite: pytest.Pytester) -> None:
    suite.makepyfile("def test_fine(): pass\n")
    result = suite.runpytest("-p", "no:asyncio")
    result.assert_outcomes(passed=1)
    assert not [line for line in result.outlines if "apt-get install" in line]
