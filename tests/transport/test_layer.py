"""punchin.transport sits under the web layer: stdlib, aiohttp (with yarl and multidict,
its own URL and header types), punchin.cxml and itself; never Django."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest

TRANSPORT = Path(__file__).resolve().parents[2] / "src" / "punchin" / "transport"
ALLOWED_THIRD_PARTY = frozenset({"aiohttp", "yarl", "multidict"})


def imports(path: Path) -> list[str]:
    found: list[str] = []
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            found.extend(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            found.append("punchin.transport" if node.level else node.module or "")
    return found


@pytest.mark.parametrize("path", sorted(TRANSPORT.rglob("*.py")), ids=lambda p: p.name)
def test_transport_imports_only_its_layer(path: Path) -> None:
    for module in imports(path):
        top = module.partition(".")[0]
        assert (
            top in sys.stdlib_module_names
            or top in ALLOWED_THIRD_PARTY
            or module.startswith(("punchin.cxml", "punchin.transport"))
        ), f"{path.name} imports {module}"
