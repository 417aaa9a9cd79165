"""The golden corpus: every file of ``tests/data/cxml/{valid,invalid,hostile}``, read in
strict and in lenient mode, against what ``tests/data/cxml/expected.toml`` says.

Files are named by what is wrong with them (docs/style.md section 8); the sidecar holds the Status
code and a piece of the error text, or the values a harmless read must produce.
"""

from __future__ import annotations

import tomllib
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from punchin.cxml import CXMLError, read
from punchin.cxml.validate import validate

DATA = Path(__file__).resolve().parent.parent / "data" / "cxml"
EXPECTED: dict[str, dict[str, Any]] = tomllib.loads((DATA / "expected.toml").read_text())
FILES = sorted(
    path.relative_to(DATA).as_posix()
    for folder in ("valid", "invalid", "hostile")
    for path in (DATA / folder).glob("*.xml")
)


def resolve(value: Any, path: str) -> Any:
    """``header.from_.credentials.0.identity.value``: attributes, digits index tuples."""
    for part in path.split("."):
        value = value[int(part)] if part.isdigit() else getattr(value, part)
    return value


def wanted(value: Any) -> Any:
    if isinstance(value, str) and value.startswith("ISO:"):
        return datetime.fromisoformat(value.removeprefix("ISO:"))
    return value


def test_every_file_has_an_expectation_and_every_expectation_a_file() -> None:
    assert FILES, DATA
    assert sorted(EXPECTED) == FILES


def test_valid_files_are_read_as_they_are() -> None:
    for name in FILES:
        if name.startswith("valid/"):
            assert "status" not in EXPECTED[name], name
            assert "lenient" not in EXPECTED[name], name


@pytest.mark.parametrize("lenient", [False, True], ids=["strict", "lenient"])
@pytest.mark.parametrize("name", FILES)
def test_corpus(name: str, lenient: bool) -> None:
    expected = EXPECTED[name]
    if lenient:
        expected = expected.get("lenient", expected)
    data = (DATA / name).read_bytes()
    if "status" in expected:
        with pytest.raises(CXMLError) as refused:
            read(data, lenient=lenient)
        assert refused.value.code == expected["status"]
        assert expected["error"] in refused.value.detail
        return
    parsed = read(data, lenient=lenient)
    for path, value in expected["values"].items():
        assert resolve(parsed.document, path) == wanted(value), path
    if "doctype" in expected:
        doctype = parsed.doctype
        found = f"{doctype.version}/{doctype.dtd_file}" if doctype else ""
        assert found == expected["doctype"]
    repairs = [repair.what for repair in parsed.repairs]
    assert len(repairs) == len(expected.get("repairs", []))
    for piece, repair in zip(expected.get("repairs", []), repairs, strict=True):
        assert piece in repair


@pytest.mark.parametrize("name", [name for name in FILES if not name.startswith("invalid/")])
def test_validate_agrees(name: str, dtd_dir: Path) -> None:
    """``validate`` goes through the same prescan: refused hostile files give problems
    (never an exception), valid ones with a DOCTYPE are valid against their official DTD."""
    data = (DATA / name).read_bytes()
    problems = validate(data, dtd_dir)
    expected = EXPECTED[name]
    if "status" in expected:
        assert problems
        if expected["status"] == 400:
            # Refused before any model reads it, with the same text as read() gives.
            assert any(expected["error"] in problem.message for problem in problems)
    elif name.startswith("valid/") and expected.get("doctype") != "":
        assert problems == [], problems
