"""The field corpus: one document per trait real partners' cXML shows, read in standard
and lenient mode and validated against the official DTDs, against
``tests/data/cxml/field/traits.toml`` (its header says what each key means).

What the issue asks of it: every DTD-valid document parses in standard mode, unless the
sidecar names the cXML rule beyond the DTD that it breaks (then lenient mode reads it
with a repair, or refuses it saying what to fix); what stays refused is refused in both
modes with its Status.
"""

from __future__ import annotations

import tomllib
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from punchin.cxml import CXMLError, read, serialize, validate

FIELD = Path(__file__).resolve().parent.parent / "data" / "cxml" / "field"
TRAITS: dict[str, dict[str, Any]] = tomllib.loads((FIELD / "traits.toml").read_text())
NAMES = sorted(path.stem for path in FIELD.glob("*.xml"))


def test_every_document_has_a_trait_and_every_trait_a_document() -> None:
    assert len(NAMES) >= 40
    assert sorted(TRAITS) == NAMES
    for name, entry in TRAITS.items():
        assert entry["trait"], name
        assert entry["seen"], name


@pytest.mark.parametrize("mode", ["standard", "lenient"])
@pytest.mark.parametrize("name", NAMES)
def test_field_document(name: str, mode: str) -> None:
    entry = TRAITS[name]
    expected = entry[mode]
    data = (FIELD / f"{name}.xml").read_bytes()
    if "status" in expected:
        with pytest.raises(CXMLError) as refused:
            read(data, lenient=mode == "lenient")
        assert refused.value.code == expected["status"]
        assert expected["error"] in refused.value.detail
        return
    parsed = read(data, lenient=mode == "lenient")
    timestamp = parsed.document.timestamp
    assert timestamp == datetime.fromisoformat(expected["timestamp"])
    assert timestamp.utcoffset() is not None
    repairs = [repair.what for repair in parsed.repairs]
    assert len(repairs) == len(expected["repairs"]), repairs
    for piece, repair in zip(expected["repairs"], repairs, strict=True):
        assert piece in repair
    # What we write back is whole seconds or milliseconds, and reads back the same.
    wire = serialize(parsed.document)
    assert read(wire).document.timestamp == timestamp.replace(
        microsecond=timestamp.microsecond // 1000 * 1000
    )


@pytest.mark.parametrize("name", NAMES)
def test_field_document_against_the_dtd(name: str, dtd_dir: Path) -> None:
    entry = TRAITS[name]
    problems = validate((FIELD / f"{name}.xml").read_bytes(), dtd_dir)
    if entry["dtd"] == "valid":
        assert problems == []
        if "rule" not in entry:
            assert "status" not in entry["standard"], "a DTD-valid document parses in standard mode"
        else:
            # Lenient mode reads it with a repair, or refuses it saying what to fix.
            assert "status" in entry["standard"]
            lenient = entry["lenient"]
            assert lenient.get("repairs") or lenient.get("error")
    else:
        assert any(entry["dtd"] in problem.message for problem in problems), problems


def test_we_write_no_microseconds() -> None:
    """cxml-php reads whole seconds or milliseconds only (issue 8)."""
    data = (FIELD / "timestamp_fraction_seven_digits.xml").read_bytes()
    wire = serialize(read(data).document)
    assert b'timestamp="2024-05-14T09:30:00.123-07:00"' in wire
