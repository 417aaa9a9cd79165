"""``punchin.cxml.reply``: the Status a reply carried, what it means, and our Response."""

from __future__ import annotations

from pathlib import Path

import pytest

from punchin.cxml import (
    Document,
    http_status_for,
    parse,
    reply_outcome,
    reply_status,
    response_document,
    response_status,
    serialize,
    setup_outcome,
    start_page_url,
    status_line,
)
from punchin.cxml.common import URL, Status
from punchin.cxml.envelope import Response
from punchin.cxml.errors import CXMLError, ExpectationFailed, RemoteProtocolError
from punchin.cxml.punchout import PunchOutSetupResponse, StartPage
from punchin.cxml.status import Outcome
from punchin.cxml.validate import validate
from tests.cxml import builders

START = "https://procurement.example/start?s=1"


def answer(code: int, text: str = "", detail: str = "") -> bytes:
    return serialize(response_document(code, text or None, detail))


def setup_answer(url: str) -> bytes:
    payload = PunchOutSetupResponse(start_page=StartPage(url=URL(value=url)))
    return serialize(response_document(200, payload=payload))


# --- reply_status: bytes -> Status or None, never raising -----------------------------

IMPERFECT = (
    b'<cXML payloadID="1@x" timestamp="2024-05-06T09:30:00-05:00">'
    b'<Response><Status code="200" text="OK">R&D</Status></Response></cXML>'
)


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (answer(200), (200, "OK", "")),
        (answer(403, detail="wrong secret"), (403, "Forbidden", "wrong secret")),
        (answer(560, "Busy"), (560, "Busy", "")),
        (setup_answer(START), (200, "OK", "")),
        (IMPERFECT, (200, "OK", "R&D")),  # P24: read leniently
        (serialize(builders.request_document(builders.profile_request())), None),
        (serialize(builders.message_document(builders.punchout_order_message())), None),
        (b"<html><body>Down for maintenance</body></html>", None),
        (b"", None),
        (b"\xff\xfe\x00junk", None),
        (b"<!DOCTYPE x [<!ENTITY a 'b'>]><cXML>&a;</cXML>", None),
        (b"<cXML", None),
    ],
    ids=[
        "200",
        "403-detail",
        "560-own-text",
        "setup-response",
        "imperfect-but-readable",
        "a-request",
        "a-message",
        "html",
        "empty",
        "binary",
        "entity",
        "truncated",
    ],
)
def test_reply_status(body: bytes, expected: tuple[int, str, str] | None) -> None:
    status = reply_status(body)
    found = None if status is None else (status.code, status.text, status.detail)
    assert found == expected


def test_response_status_of_documents() -> None:
    assert response_status(None) is None
    assert response_status(builders.request_document(builders.profile_request())) is None
    status = Status(code=409, text="Conflict")
    assert response_status(builders.response_document(status=status)) == status


@pytest.mark.parametrize(
    ("status", "line"),
    [
        (Status(code=200, text="OK"), "200 OK"),
        (Status(code=403, text="Forbidden", detail=" bad secret\n"), "403 Forbidden: bad secret"),
        (Status(code=500, text="Oops", detail="  \n "), "500 Oops"),
    ],
)
def test_status_line(status: Status, line: str) -> None:
    assert status_line(status) == line


# --- reply_outcome: the cXML Status decides, else the HTTP status ---------------------


@pytest.mark.parametrize(
    ("http_status", "code", "expected"),
    [
        (200, 200, Outcome.SUCCESS),
        (500, 200, Outcome.SUCCESS),  # the cXML Status wins over the HTTP status
        (200, 201, Outcome.SUCCESS),
        (200, 204, Outcome.SUCCESS),
        (200, 400, Outcome.PERMANENT),
        (400, 400, Outcome.PERMANENT),
        (403, 403, Outcome.PERMANENT),
        (200, 409, Outcome.PERMANENT),
        (417, 417, Outcome.PERMANENT),
        (200, 500, Outcome.TRANSIENT),
        (500, 500, Outcome.TRANSIENT),
        (200, 550, Outcome.TRANSIENT),
        (200, 560, Outcome.TRANSIENT),
        # Without a cXML Status: 5xx may pass, anything else will not.
        (500, None, Outcome.TRANSIENT),
        (502, None, Outcome.TRANSIENT),
        (503, None, Outcome.TRANSIENT),
        (200, None, Outcome.PERMANENT),
        (204, None, Outcome.PERMANENT),
        (302, None, Outcome.PERMANENT),
        (401, None, Outcome.PERMANENT),
        (404, None, Outcome.PERMANENT),
    ],
)
def test_reply_outcome(http_status: int, code: int | None, expected: Outcome) -> None:
    status = None if code is None else Status(code=code, text="x")
    assert reply_outcome(http_status, status) is expected


# --- the answer to a PunchOutSetupRequest ---------------------------------------------


@pytest.mark.parametrize(
    ("body", "url"),
    [
        (setup_answer(START), START),
        (setup_answer(f"  {START}\n"), START),
        (answer(200), ""),
        (answer(403), ""),
        (serialize(builders.request_document(builders.profile_request())), ""),
    ],
    ids=["start-page", "padded", "no-payload", "refusal", "a-request"],
)
def test_start_page_url(body: bytes, url: str) -> None:
    assert start_page_url(parse(body, lenient=True)) == url


def test_start_page_url_of_no_document() -> None:
    assert start_page_url(None) == ""


@pytest.mark.parametrize(
    ("http_status", "code", "url", "allow_http", "expected"),
    [
        (200, 200, START, False, Outcome.SUCCESS),
        (200, 200, "HTTPS://procurement.example/s", False, Outcome.SUCCESS),
        (200, 200, "", False, Outcome.PERMANENT),  # accepted, but nowhere to go
        (200, 200, "http://127.0.0.1:8002/start", False, Outcome.PERMANENT),
        (200, 200, "http://127.0.0.1:8002/start", True, Outcome.SUCCESS),  # development
        (200, 200, "javascript:alert(1)", True, Outcome.PERMANENT),
        (200, 200, "/punchin/start", True, Outcome.PERMANENT),
        (200, 200, "ftp://procurement.example/s", True, Outcome.PERMANENT),
        (200, 400, START, False, Outcome.PERMANENT),
        (400, 400, "", False, Outcome.PERMANENT),
        (403, 403, "", False, Outcome.PERMANENT),
        (401, 401, "", False, Outcome.PERMANENT),
        (500, 500, "", False, Outcome.TRANSIENT),
        (200, 560, "", False, Outcome.TRANSIENT),
        (503, None, "", False, Outcome.TRANSIENT),
        (200, None, "", False, Outcome.PERMANENT),
    ],
)
def test_setup_outcome(
    http_status: int, code: int | None, url: str, allow_http: bool, expected: Outcome
) -> None:
    status = None if code is None else Status(code=code, text="x")
    assert setup_outcome(http_status, status, url, allow_http=allow_http) is expected


# --- the Response an endpoint answers with --------------------------------------------


@pytest.mark.parametrize(
    ("code", "text", "expected_text"),
    [(200, None, "OK"), (413, None, "Payload Too Large"), (404, "Not Found", "Not Found")],
)
def test_response_document(code: int, text: str | None, expected_text: str, dtd_dir: Path) -> None:
    document = response_document(code, text, "why")
    assert isinstance(document, Document)
    assert isinstance(document.body, Response)
    status = document.body.status
    assert (status.code, status.text, status.detail, status.lang) == (
        code,
        expected_text,
        "why",
        "en-US",
    )
    data = serialize(document)
    assert validate(data, dtd_dir) == []
    assert reply_status(data) == status


def test_response_documents_are_new_documents() -> None:
    assert response_document(200).payload_id != response_document(200).payload_id


@pytest.mark.parametrize(
    ("code", "http_status"),
    [
        *((c, c) for c in (400, 401, 403, 404, 406, 409, 412, 413, 417, 500)),
        (200, 200),
        (201, 200),
        (204, 200),
        (280, 200),
        (402, 400),
        (450, 400),
        (475, 400),
        (550, 400),
        (560, 400),
    ],
)
def test_http_status_for(code: int, http_status: int) -> None:
    assert http_status_for(code) == http_status


def test_expectation_failed_is_the_partners_417() -> None:
    error = ExpectationFailed("no such order")
    assert isinstance(error, RemoteProtocolError)
    assert isinstance(error, CXMLError)
    assert (error.code, error.text, error.detail) == (417, "Expectation Failed", "no such order")
