"""``ProfileRequest``: which requests a party takes, and where (docs/protocol.md S12).

A partner asks before it integrates, or as a ping; the answer lists each request this
party serves with the URL to post it to. Each party names its endpoints once (request
name -> URL name) and declares the endpoint on its authenticator like any other.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urljoin

from django.urls import reverse

from punchin.cxml import response_document
from punchin.cxml.common import URL
from punchin.cxml.envelope import Document
from punchin.cxml.punchout import ProfileRequest, ProfileResponse, Transaction
from punchin.web.inbound import Received


def profile(routes: Mapping[str, str]) -> Callable[[Received[Any, ProfileRequest]], Document]:
    """The ``apply`` of a ProfileRequest endpoint serving ``routes`` (requestName ->
    Django URL name), with absolute URLs on our public base URL."""

    def answer(received: Received[Any, ProfileRequest]) -> Document:
        transactions = tuple(
            Transaction(
                request_name=name, url=URL(value=urljoin(received.base_url, reverse(route)))
            )
            for name, route in routes.items()
        )
        now = datetime.now(UTC).replace(microsecond=0)
        return response_document(
            200, payload=ProfileResponse(effective_date=now, transactions=transactions)
        )

    return answer
