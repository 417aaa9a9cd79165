"""punchin.cxml stands alone: the standard library, lxml and itself, nothing else.

import-linter (``lint-imports``) checks the layers between packages; this test is the
allow-list it cannot express: any import of a third-party package other than lxml,
even one nobody thought to forbid, fails here.
"""

from __future__ import annotations

import ast
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

CXML = Path(__file__).resolve().parents[1] / "src" / "punchin" / "cxml"
ALLOWED_THIRD_PARTY = frozenset({"lxml"})


def imported_modules(tree: ast.AST) -> Iterator[tuple[int, str]]:
    """(line, absolute module name) of every import, wherever it sits in the module."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom):
            # Relative imports stay inside punchin.cxml's own package tree.
            yield node.lineno, "punchin.cxml" if node.level else (node.module or "")


def is_allowed(module: str) -> bool:
    top = module.partition(".")[0]
    return (
        top in sys.stdlib_module_names
        or top in ALLOWED_THIRD_PARTY
        or module == "punchin.cxml"
        or module.startswith("punchin.cxml.")
    )


MODULES = sorted(CXML.rglob("*.py"))


def test_the_package_is_found() -> None:
    assert CXML / "__init__.py" in MODULES


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(CXML)))
def test_imports_only_stdlib_lxml_and_itself(path: Path) -> None:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    bad = [
        f"line {line}: {module}"
        for line, module in imported_modules(tree)
        if not is_allowed(module)
    ]
    assert not bad, f"{path.name} imports outside the protocol core: {bad}"


@pytest.mark.parametrize(
    ("source", "allowed"),
    [
        ("import json", True),
        ("from lxml import etree", True),
        ("from punchin.cxml.binding import Raw", True),
        ("from . import binding", True),
        ("import punchin.cxml", True),
        ("import django", False),
        ("from punchin.web import demo", False),
        ("from punchin import cli", False),
        ("import punchin", False),
        ("def f():\n    import click", False),  # nested imports count too
        ("import lxmlx", False),
    ],
)
def test_the_checker_itself(source: str, allowed: bool) -> None:
    modules = [module for _, module in imported_modules(ast.parse(source))]
    assert all(is_allowed(m) for m in modules) is allowed
