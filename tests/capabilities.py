"""System programs some tests need, and the one line a pass prints when they were missing.

A test that cannot run without a program (nginx, strace) is skipped with the reason
``needs`` writes; ``tests/conftest.py`` gathers those skips and ends the pass with one
line that names what to install, so nothing is skipped silently.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

import pytest

_MISSING = re.compile(r"(\S+) is not installed \(apt-get install ([^)]+)\)")


def needs(program: str, package: str, *, found: bool) -> pytest.MarkDecorator:
    """Skip unless ``found``, saying which Debian ``package`` brings ``program``."""
    return pytest.mark.skipif(
        not found, reason=f"{program} is not installed (apt-get install {package})"
    )


def install_line(reasons: Iterable[str]) -> str | None:
    """The pass's one line about missing programs, from its skip reasons (or None)."""
    counts: dict[tuple[str, str], int] = {}
    for reason in reasons:
        if found := _MISSING.search(reason):
            key = (found.group(1), found.group(2))
            counts[key] = counts.get(key, 0) + 1
    if not counts:
        return None
    skipped = ", ".join(f"{n} for lack of {program}" for (program, _), n in counts.items())
    packages = " ".join(sorted({package for _, package in counts}))
    return (
        f"Skipped {skipped}: install with `apt-get install {packages}` "
        "(scripts/test does, as root)."
    )
