"""The Status code table and how a Response's Status is read."""

from __future__ import annotations

from pathlib import Path

import pytest

from punchin.cxml import parse, read, serialize
from punchin.cxml.envelope import Response
from punchin.cxml.status import Outcome, outcome, standard_text
from punchin.cxml.validate import validate

ENVELOPE = (
    b'<?xml version="1.0" encoding="UTF-8"?>\n'
    b'<!DOCTYPE cXML SYSTEM "http://xml.cxml.org/schemas/cXML/1.2.014/cXML.dtd">\n'
    b'<cXML payloadID="1@example.com" timestamp="2021-03-12T10:07:48-08:00">'
    b"<Response>%s</Response></cXML>"
)


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        *((c, Outcome.SUCCESS) for c in (200, 201, 204, 280, 281)),
        *((c, Outcome.PERMANENT) for c in (400, 401, 403, 406, 409, 412, 417, 450, 475)),
        *((c, Outcome.TRANSIENT) for c in (500, 550, 551, 560)),
        (299, Outcome.SUCCESS),
        (599, Outcome.TRANSIENT),
        (302, Outcome.PERMANENT),  # never retry what nobody documented
    ],
)
def test_outcome_of_each_code(code: int, expected: Outcome) -> None:
    assert outcome(code) is expected


def test_a_bare_status_parses_as_a_500_in_both_modes(dtd_dir: Path) -> None:
    data = ENVELOPE % b"<Status/>"
    document = parse(data)
    assert isinstance(document.body, Response)
    assert (document.body.status.code, document.body.status.text) == (
        500,
        "Internal Server Error",
    )
    assert outcome(document.body.status.code) is Outcome.TRANSIENT
    parsed = read(data, lenient=True)
    assert parsed.document == document
    assert [r.what for r in parsed.repairs] == [
        "cXML/Response/Status lacks required attribute code: read as 500",
        "cXML/Response/Status lacks required attribute text: read as 'Internal Server Error'",
    ]
    # Written back, the Status is complete and valid.
    assert validate(serialize(document), dtd_dir) == []


def test_a_code_without_text_gets_the_standard_text() -> None:
    document = parse(ENVELOPE % b'<Status code="200"/>')
    assert isinstance(document.body, Response)
    assert (document.body.status.code, document.body.status.text) == (200, "OK")
    assert standard_text(403) == "Forbidden"


def test_a_status_with_code_and_text_keeps_them() -> None:
    document = parse(ENVELOPE % b'<Status code="200" text="success">Forwarded</Status>')
    assert isinstance(document.body, Response)
    status = document.body.status
    assert (status.code, status.text, status.detail) == (200, "success", "Forwarded")
    assert read(ENVELOPE % b'<Status code="200" text="success"/>', lenient=True).repairs == ()
