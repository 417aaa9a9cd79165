"""A test-mode request is applied as a dry run, on both parties (docs/test-mode.md).

Each party's endpoint factory routes an accepted request here: a production document
goes to the endpoint's ``apply``; a test one (``deploymentMode="test"``) to the
endpoint's own test handling if it has one (Punch-in's "Test received" page, PunchOut's
session that carries the mode), else through ``apply`` inside a savepoint that is
rolled back. The sender hears exactly what production would have said, marked as a
test; every row ``apply`` wrote (orders, invoices, receipts, deliveries queued) is
gone, while the document log keeps the request and the answer like any other.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django.db import transaction

from punchin.cxml.deployment import is_test, marked_as_test
from punchin.cxml.envelope import Document
from punchin.web.inbound import Received

S = TypeVar("S")
Apply = Callable[[Received[S, Any]], Document]


def dry_run(apply: Apply[S], received: Received[S, Any]) -> Document:
    """``apply``'s answer, with nothing it wrote kept. A refusal (``CXMLError``) leaves
    the savepoint like any exception and is answered as in production."""
    with transaction.atomic():
        answer = apply(received)
        transaction.set_rollback(True)
    return marked_as_test(answer)


def honouring_test_mode(apply: Apply[S], in_test_mode: Apply[S] | None = None) -> Apply[S]:
    """``apply`` for production documents; for test ones ``in_test_mode``, or a dry run
    of ``apply`` when the endpoint has no test handling of its own."""

    def routed(received: Received[S, Any]) -> Document:
        if not is_test(received.document):
            return apply(received)
        if in_test_mode is not None:
            return in_test_mode(received)
        return dry_run(apply, received)

    routed.__doc__ = apply.__doc__
    return routed
