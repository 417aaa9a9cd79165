"""punchin.conformance checks any implementation, so it never imports one: no Django,
no storefront, no procurement, no shared web glue; only the protocol library, the
transport and aiohttp (with yarl and multidict)."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest

CONFORMANCE = Path(__file__).resolve().parents[2] / "src" / "punchin" / "conformance"
ALLOWED = ("punchin.cxml", "punchin.transport", "punchin.conformance")
THIRD_PARTY = frozenset({"aiohttp", "yarl", "multidict"})


def imports(path: Path) -> list[str]:
    found: list[str] = []
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            found.extend(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            found.append("punchin.conformance" if node.level else node.module or "")
    return found


@pytest.mark.parametrize("path", sorted(CONFORMANCE.rglob("*.py")), ids=lambda p: p.name)
def test_conformance_imports_only_protocol_and_transport(path: Path) -> None:
    for module in imports(path):
        top = module.partition(".")[0]
        assert top in sys.stdlib_module_names or top in THIRD_PARTY or module.startswith(ALLOWED), (
            f"{path.name} imports {module}"
        )
