"""What the buyer's purchasing system sends back (P8): StatusUpdateRequest, OrderRequest.

Each endpoint, in order:

1. the view stores the body in the document log before anything else;
2. ``read`` strictly (400 with the reason) and check the request type (450);
3. ``authenticate``: the one Sender credential, matched in constant time against the
   inbound credentials of every purchasing system that uses that identity (403, the
   same answer for an unknown sender and a wrong SharedSecret: SECURITY.md row 9);
4. ``answer_once``: the payloadID is claimed, the document applied and the answer
   stored in one transaction; a copy gets the stored answer byte for byte, another
   body under the same payloadID gets 409 (SECURITY.md row 11).
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Callable
from typing import TypeVar

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.http import HttpResponse

from punchin.cxml import CXMLError, Limits, read
from punchin.cxml.envelope import Credential, Document, Request
from punchin.cxml.errors import (
    BadRequest,
    Conflict,
    Forbidden,
    LocalProtocolError,
    NotImplementedRequest,
)
from punchin.cxml.status import Outcome, outcome
from punchin.storefront.documents.models import CxmlDocument
from punchin.storefront.integration.models import PurchasingSystem
from punchin.storefront.orders.models import InboundRequest
from punchin.web.cxmlhttp import CXML_CONTENT_TYPE, status_response

_NOT_RECOGNISED = (
    "the Sender credential is not recognised: check the Sender identity and SharedSecret "
    "this store expects from your purchasing system"
)
_DUMMY_SECRET = b"\x00" * 32
_CLAIM_ATTEMPTS = 3

Apply = Callable[[PurchasingSystem, Document, CxmlDocument], HttpResponse]
T = TypeVar("T")


def request_of(document: Document, expected: type[T]) -> T:
    """The document's payload if it is an ``expected`` Request, or the refusal."""
    if document.header is None or not isinstance(document.body, Request):
        raise BadRequest(f"expected a cXML Request with a Header ({expected.__name__})")
    payload = document.body.payload
    if not isinstance(payload, expected):
        found = type(payload).__name__ if payload is not None else "an unknown request"
        raise NotImplementedRequest(f"this endpoint accepts {expected.__name__}, not {found}")
    if document.body.deployment_mode not in (None, "production", "test"):
        raise BadRequest(f"unknown deploymentMode {document.body.deployment_mode!r}")
    return payload


def read_request(body: bytes) -> Document:
    limits = Limits(max_bytes=settings.PUNCHIN_MAX_BODY)
    document = read(body, limits=limits).document
    if document.timestamp.tzinfo is None:
        raise BadRequest("the timestamp needs a time zone")
    return document


def _sender(document: Document) -> Credential:
    assert document.header is not None
    credentials = document.header.sender.credentials
    if len(credentials) != 1:
        # SECURITY.md row 10: never "first one wins".
        raise BadRequest("the Sender must carry exactly one Credential")
    return credentials[0]


def authenticate(document: Document) -> PurchasingSystem:
    """The purchasing system whose inbound credential the Sender presents, or 403.

    Every candidate's secret is compared (and a dummy one when there is none), so the
    time taken does not tell an unknown identity from a wrong secret.
    """
    credential = _sender(document)
    identity = credential.identity.value.strip()
    presented = (credential.shared_secret.value if credential.shared_secret else "").encode()
    candidates = list(
        PurchasingSystem.objects.filter(credential_domain__iexact=credential.domain.strip())
        .filter(Q(inbound_identity=identity) | Q(inbound_identity="", to_identity=identity))
        .select_related("account")
    )
    matching = [
        system
        for system in candidates
        if hmac.compare_digest(presented, system.expected_secret.encode())
    ]
    if not candidates:
        hmac.compare_digest(presented, _DUMMY_SECRET)
    if len(matching) != 1 or not presented:
        raise Forbidden(_NOT_RECOGNISED)
    return matching[0]


def _stored(row: InboundRequest) -> HttpResponse:
    return HttpResponse(
        bytes(row.answer), status=row.answer_http_status, content_type=CXML_CONTENT_TYPE
    )


def answer_once(
    system: PurchasingSystem, document: Document, entry: CxmlDocument, body: bytes, apply: Apply
) -> HttpResponse:
    """Apply ``document`` once per (system, payloadID) and answer every copy alike.

    The claim row, ``apply``'s changes and the answer commit together: a copy that
    races the first waits on the unique index (PostgreSQL) or the write lock (SQLite)
    and then reads the answer. A permanent refusal (4xx) is stored like a success;
    a transient one (5xx) rolls everything back so the sender's retry is applied anew.
    """
    digest = hashlib.sha256(body).hexdigest()
    payload = getattr(document.body, "payload", None)
    for _ in range(_CLAIM_ATTEMPTS):
        row = InboundRequest.objects.filter(system=system, payload_id=document.payload_id).first()
        if row is not None:
            if not hmac.compare_digest(row.body_sha256, digest):
                raise Conflict(
                    f"payloadID {document.payload_id} was received before with another body"
                )
            return _stored(row)
        try:
            with transaction.atomic():
                row = InboundRequest.objects.create(
                    system=system,
                    payload_id=document.payload_id,
                    document_type=type(payload).__name__,
                    body_sha256=digest,
                    answer=b"",
                    answer_http_status=0,
                )
                try:
                    with transaction.atomic():
                        answer = apply(system, document, entry)
                except CXMLError as exc:
                    if outcome(exc.code) is Outcome.TRANSIENT:
                        raise
                    answer = status_response(exc.code, exc.detail, exc.text)
                row.answer = answer.content
                row.answer_http_status = answer.status_code
                row.save(update_fields=("answer", "answer_http_status"))
            return answer
        except IntegrityError:
            continue  # a copy committed first: its answer is ours
    raise LocalProtocolError(f"payloadID {document.payload_id} is busy; retry later")
