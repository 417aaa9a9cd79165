"""The reading policies (punchin.cxml.policy): what each accepts of a leniently read document."""

from __future__ import annotations

from pathlib import Path

import pytest

from punchin.cxml import read, serialize
from punchin.cxml.errors import BadRequest, NotAcceptable
from punchin.cxml.policy import ReadingPolicy, accept, describe
from punchin.cxml.validate import NoDTDDirectory
from tests.cxml import builders


def _valid() -> bytes:
    return serialize(builders.request_document(builders.punchout_setup_request()))


def _raw_ampersand() -> bytes:
    """Well-formed but for a raw '&' in a URL, as partners' carts are seen to carry."""
    return _valid().replace(b"https://", b"https://example.test/?a=1&b=2&x=", 1)


def _dtd_invalid() -> bytes:
    """Well-formed, readable, but an element the DTD does not allow where it stands."""
    return _valid().replace(b"</Header>", b"<Unexpected/></Header>", 1)


def test_lenient_keeps_the_repairs_to_record() -> None:
    data = _raw_ampersand()
    parsed = accept(data, read(data, lenient=True), ReadingPolicy.LENIENT)
    assert [describe(r) for r in parsed.repairs] == [
        f"line {parsed.repairs[0].line}: escaped raw '&' characters as '&amp;'"
    ]


def test_standard_refuses_what_lenient_reading_repaired_with_the_rule() -> None:
    data = _raw_ampersand()
    with pytest.raises(BadRequest) as refused:
        accept(data, read(data, lenient=True), ReadingPolicy.STANDARD)
    assert "&" in refused.value.detail


@pytest.mark.parametrize("policy", list(ReadingPolicy))
def test_every_policy_accepts_a_valid_document(policy: ReadingPolicy, dtd_dir: Path) -> None:
    data = _valid()
    parsed = accept(data, read(data, lenient=True), policy, dtd_dir=dtd_dir)
    assert parsed.repairs == ()


def test_strict_refuses_a_dtd_invalid_document_with_406_and_the_line(dtd_dir: Path) -> None:
    data = _dtd_invalid()
    parsed = read(data, lenient=True)
    assert accept(data, parsed, ReadingPolicy.STANDARD) is parsed
    with pytest.raises(NotAcceptable) as refused:
        accept(data, parsed, ReadingPolicy.STRICT, dtd_dir=dtd_dir)
    assert refused.value.code == 406
    assert "Unexpected" in refused.value.detail
    assert refused.value.line is not None


def test_strict_without_dtds_is_our_configuration_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PUNCHIN_CXML_DTD_DIR", raising=False)
    data = _valid()
    with pytest.raises(NoDTDDirectory):
        accept(data, read(data, lenient=True), ReadingPolicy.STRICT)
