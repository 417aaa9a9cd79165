"""The retry classification (docs/delivery.md): every kind of answer -> what happens."""

from __future__ import annotations

import pytest

from punchin.cxml.status import Outcome
from punchin.transport import (
    ConnectFailed,
    RedirectRefused,
    ReplyTooLarge,
    Timeout,
    TLSFailed,
    TransportError,
    UrlRefused,
)
from punchin.web.delivery.classify import classify_error, classify_reply
from tests.delivery.partner import cxml_answer

HTML = b"<html><body>Down for maintenance</body></html>"


@pytest.mark.parametrize(
    ("http_status", "body", "expected", "code"),
    [
        (200, cxml_answer(200), Outcome.SUCCESS, 200),
        (200, cxml_answer(201), Outcome.SUCCESS, 201),
        (200, cxml_answer(500), Outcome.TRANSIENT, 500),
        (200, cxml_answer(550), Outcome.TRANSIENT, 550),
        (200, cxml_answer(551), Outcome.TRANSIENT, 551),
        (200, cxml_answer(560), Outcome.TRANSIENT, 560),
        (500, cxml_answer(500), Outcome.TRANSIENT, 500),
        (200, cxml_answer(400), Outcome.PERMANENT, 400),
        (400, cxml_answer(400), Outcome.PERMANENT, 400),
        (403, cxml_answer(403), Outcome.PERMANENT, 403),
        (200, cxml_answer(409), Outcome.PERMANENT, 409),
        (200, cxml_answer(450), Outcome.PERMANENT, 450),
        (503, HTML, Outcome.TRANSIENT, 503),
        (502, b"", Outcome.TRANSIENT, 502),
        (404, HTML, Outcome.PERMANENT, 404),
        (401, b"", Outcome.PERMANENT, 401),
        (200, HTML, Outcome.PERMANENT, 200),
        (200, b"", Outcome.PERMANENT, 200),
        (204, b"", Outcome.PERMANENT, 204),
    ],
)
def test_reply(http_status: int, body: bytes, expected: Outcome, code: int) -> None:
    verdict = classify_reply(http_status, body)
    assert verdict.outcome is expected
    assert verdict.code == code
    assert verdict.http_status == http_status


def test_cxml_status_wins_and_its_text_is_kept() -> None:
    verdict = classify_reply(200, cxml_answer(400, "Unknown SupplierPartID PEN-BLK-12"))
    assert verdict.status_text == "Bad Request"
    assert "Unknown SupplierPartID PEN-BLK-12" in verdict.detail


def test_html_200_says_what_to_check() -> None:
    assert "check the partner's URL" in classify_reply(200, HTML).detail


def test_lenient_reading_of_an_imperfect_answer() -> None:
    """A Response with a raw '&' in its text still counts (P24: lenient reading)."""
    body = (
        b'<cXML payloadID="1@x" timestamp="2024-05-06T09:30:00-05:00">'
        b'<Response><Status code="200" text="OK">R&D</Status></Response></cXML>'
    )
    assert classify_reply(200, body).outcome is Outcome.SUCCESS


@pytest.mark.parametrize(
    ("error", "expected"),
    [
        (ConnectFailed("refused"), Outcome.TRANSIENT),
        (Timeout("slow"), Outcome.TRANSIENT),
        (TLSFailed("bad certificate"), Outcome.PERMANENT),
        (RedirectRefused(302, "https://elsewhere.example/"), Outcome.PERMANENT),
        (UrlRefused("private address"), Outcome.PERMANENT),
        (ReplyTooLarge("too long"), Outcome.PERMANENT),
    ],
)
def test_transport_errors(error: TransportError, expected: Outcome) -> None:
    verdict = classify_error(error)
    assert verdict.outcome is expected
    assert type(error).__name__ in verdict.detail
