"""The lower layers stand alone: each imports only the standard library, the
third-party packages listed for it, and the punchin layers beneath it.

import-linter (``lint-imports``) checks the layers between packages; this test is the
allow-list it cannot express: any import of a third-party package not listed, even one
nobody thought to forbid, fails here.

- ``punchin.cxml``: lxml and itself (the protocol core).
- ``punchin.transport``: aiohttp (with yarl and multidict, its URL and header types),
  ``punchin.cxml`` and itself; never Django.
- ``punchin.conformance`` checks any implementation, so it never imports one: no Django,
  no storefront, no procurement, no shared web glue; only the protocol library, the
  transport and aiohttp.
"""

from __future__ import annotations

import ast
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src" / "punchin"
AIOHTTP = frozenset({"aiohttp", "yarl", "multidict"})


@dataclass(frozen=True)
class Layer:
    package: str
    third_party: frozenset[str]
    punchin: tuple[str, ...]  # punchin packages it may import, itself included

    @property
    def path(self) -> Path:
        return SRC / self.package.removeprefix("punchin.")

    def allows(self, module: str) -> bool:
        top = module.partition(".")[0]
        return (
            top in sys.stdlib_module_names
            or top in self.third_party
            or any(module == p or module.startswith(p + ".") for p in self.punchin)
        )


CXML = Layer("punchin.cxml", frozenset({"lxml"}), ("punchin.cxml",))
LAYERS = (
    CXML,
    Layer("punchin.transport", AIOHTTP, ("punchin.cxml", "punchin.transport")),
    Layer(
        "punchin.conformance",
        AIOHTTP,
        ("punchin.cxml", "punchin.transport", "punchin.conformance"),
    ),
)


def imported_modules(tree: ast.AST, package: str) -> Iterator[tuple[int, str]]:
    """(line, absolute module name) of every import, wherever it sits in the module."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom):
            # Relative imports stay inside the package's own tree.
            yield node.lineno, package if node.level else (node.module or "")


MODULES = [(layer, path) for layer in LAYERS for path in sorted(layer.path.rglob("*.py"))]


@pytest.mark.parametrize("layer", LAYERS, ids=lambda layer: layer.package)
def test_the_package_is_found(layer: Layer) -> None:
    assert (layer.path / "__init__.py").exists()


@pytest.mark.parametrize(
    ("layer", "path"), MODULES, ids=lambda v: v.package if isinstance(v, Layer) else v.name
)
def test_imports_only_its_layer(layer: Layer, path: Path) -> None:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    bad = [
        f"line {line}: {module}"
        for line, module in imported_modules(tree, layer.package)
        if not layer.allows(module)
    ]
    assert not bad, f"{path.name} imports outside {layer.package}'s layer: {bad}"


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
    modules = [module for _, module in imported_modules(ast.parse(source), CXML.package)]
    assert all(CXML.allows(m) for m in modules) is allowed
