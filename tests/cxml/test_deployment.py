"""``punchin.cxml.deployment``: which documents are tests, and a test's answer."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from punchin.cxml import read, response_document, serialize, validate
from punchin.cxml.common import URL
from punchin.cxml.deployment import is_test, marked_as_test
from punchin.cxml.envelope import Message, Request, Response
from punchin.cxml.punchout import ProfileRequest, PunchOutSetupResponse, StartPage
from tests.cxml.builders import message_document, punchout_order_message, request_document


@pytest.mark.parametrize(
    ("body", "test"),
    [
        (Request(deployment_mode="test", payload=ProfileRequest()), True),
        (Request(deployment_mode="production", payload=ProfileRequest()), False),
        (Request(payload=ProfileRequest()), False),  # the DTD's default is production
        (Message(deployment_mode="test", payload=punchout_order_message()), True),
        (Message(payload=punchout_order_message()), False),
    ],
)
def test_a_document_is_a_test_only_when_it_says_deployment_mode_test(
    body: Request | Message, test: bool
) -> None:
    shell = (
        request_document(ProfileRequest())
        if isinstance(body, Request)
        else message_document(punchout_order_message())
    )
    assert is_test(replace(shell, body=body)) is test
    assert not is_test(response_document(200))  # an answer is neither


def test_a_tests_answer_keeps_the_code_and_payload_and_says_nothing_was_recorded(
    dtd_dir: Path,
) -> None:
    start = PunchOutSetupResponse(start_page=StartPage(url=URL(value="https://p.example/s")))
    answer = marked_as_test(response_document(200, detail="invoice INV-1 recorded", payload=start))

    body = answer.body
    assert isinstance(body, Response)
    assert (body.status.code, body.status.text, body.payload) == (200, "OK", start)
    assert body.status.detail == (
        'deploymentMode="test": checked as in production, nothing recorded; '
        "in production: invoice INV-1 recorded"
    )
    data = serialize(answer)
    assert validate(data, dtd_dir) == []
    assert read(data).document.body == answer.body


def test_a_tests_answer_without_detail_says_only_that_nothing_was_recorded() -> None:
    body = marked_as_test(response_document(200)).body
    assert isinstance(body, Response)
    assert body.status.detail == 'deploymentMode="test": checked as in production, nothing recorded'
