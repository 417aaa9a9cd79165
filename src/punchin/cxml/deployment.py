"""deploymentMode: a document marked ``test`` tries an integration; it never buys or bills.

The attribute sits on a Request or a Message and defaults to ``production`` (cXML DTD).
A receiver checks a test document exactly as it would check a production one, answers
what it would have done, and keeps none of its effects: no requisition, no order, no
invoice, nothing in spend (docs/test-mode.md).
"""

from __future__ import annotations

from dataclasses import replace

from punchin.cxml.envelope import Document, Message, Request, Response

TEST = "test"
PRODUCTION = "production"

TESTED = 'deploymentMode="test": checked as in production, nothing recorded'


def is_test(document: Document) -> bool:
    """Whether ``document``'s Request or Message says deploymentMode="test"."""
    body = document.body
    return isinstance(body, Request | Message) and body.deployment_mode == TEST


def marked_as_test(answer: Document) -> Document:
    """The answer a production copy of a test document got, as the test's answer: the
    same Status code and payload, the detail saying that nothing was kept and what
    would have happened."""
    body = answer.body
    if not isinstance(body, Response):
        return answer
    would = body.status.detail.strip()
    detail = f"{TESTED}; in production: {would}" if would else TESTED
    status = replace(body.status, detail=detail[:2000])
    return replace(answer, body=replace(body, status=status))
