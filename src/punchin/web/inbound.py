"""Receiving a cXML request: the checks and the apply-once claim both parties share.

Every endpoint that a partner posts a request to (Punch-in, StatusUpdateRequest,
OrderRequest, ConfirmationRequest, ShipNoticeRequest, InvoiceDetailRequest) must

- take only the request type it serves (``request_of``: 400 / 450);
- find the sender by a SharedSecret compared in constant time, so neither the answer
  nor its timing tells an unknown sender from a wrong secret (``holder_of``,
  docs/security.md rows 9 and 10);
- apply a payloadID once, whoever sends copies and however many processes receive
  them: a copy gets the stored answer byte for byte, another body under the same
  payloadID gets 409 (``answer_once``, docs/security.md row 11).

Each party keeps its own claim table (a subclass of ``InboundClaimBase`` scoped by
whom it accepts documents from), because each has its own database.
"""

from __future__ import annotations

import hmac
from collections.abc import Callable, Iterable, Mapping
from typing import Protocol, TypeVar

from django.db import IntegrityError, models, transaction
from django.http import HttpResponse
from django.utils.crypto import salted_hmac

from punchin.cxml import CXMLError
from punchin.cxml.envelope import Document, Request
from punchin.cxml.errors import BadRequest, Conflict, LocalProtocolError, NotImplementedRequest
from punchin.cxml.status import Outcome, outcome
from punchin.web.cxmlhttp import CXML_CONTENT_TYPE, status_response

T = TypeVar("T")
H = TypeVar("H")

_BODY_SALT = "punchin.web.inbound.body"
_CLAIM_ATTEMPTS = 3
# Compared against when no candidate exists, so that path costs what a real check costs.
_DUMMY_SECRET = b"\x00" * 64


def request_of(document: Document, expected: type[T]) -> T:
    """The document's payload if it is an ``expected`` Request, or the refusal.

    The payloadID needs no check here: ``read`` refuses an empty or over-long one.
    """
    if document.header is None or not isinstance(document.body, Request):
        raise BadRequest(f"expected a cXML Request with a Header ({expected.__name__})")
    payload = document.body.payload
    if not isinstance(payload, expected):
        found = type(payload).__name__ if payload is not None else "an unknown request"
        raise NotImplementedRequest(f"this endpoint accepts {expected.__name__}, not {found}")
    if document.body.deployment_mode not in (None, "production", "test"):
        raise BadRequest(f"unknown deploymentMode {document.body.deployment_mode!r}")
    return payload


def holder_of(
    presented: str,
    candidates: Iterable[tuple[H, str]],
    stored_as: Callable[[str], str] | None = None,
) -> H | None:
    """The one candidate whose stored secret matches ``presented``, else None.

    ``candidates`` pairs each holder with its secret as stored: in clear, or as
    ``stored_as(secret)`` (a keyed digest). ``presented`` is compared with every
    candidate, without an early exit, and with a dummy when there is none, so the time
    taken does not tell an unknown sender from a wrong secret (docs/security.md row 9). An
    empty secret matches nothing, nor does one that several candidates share (row 10:
    never "first one wins").
    """
    form = (stored_as(presented) if stored_as else presented).encode()
    pairs = list(candidates)
    matching = [holder for holder, stored in pairs if hmac.compare_digest(form, stored.encode())]
    if not pairs:
        hmac.compare_digest(form, _DUMMY_SECRET)
    return matching[0] if presented and len(matching) == 1 else None


def body_digest(body: bytes) -> str:
    """What tells two copies of a payloadID apart: HMAC-SHA256 of the body. Keyed,
    because the body holds the sender's SharedSecret: a plain hash of a mostly known
    document would let a reader of the database test guesses of the secret offline."""
    return salted_hmac(_BODY_SALT, body, algorithm="sha256").hexdigest()


class Claim(Protocol):
    """What a stored claim on a payloadID offers (``InboundClaimBase`` and Punch-in's)."""

    payload_id: str
    body_sha256: str
    answer: bytes | memoryview
    answer_http_status: int | None


def check_same_body(claim: Claim, digest: str) -> None:
    """Refuse another body under a payloadID already claimed (409, docs/security.md row 11)."""
    if not hmac.compare_digest(claim.body_sha256, digest):
        raise Conflict(f"payloadID {claim.payload_id} was received before with another body")


def stored_answer(claim: Claim) -> HttpResponse:
    """The answer given to the first copy, byte for byte."""
    return HttpResponse(
        bytes(claim.answer), status=claim.answer_http_status, content_type=CXML_CONTENT_TYPE
    )


class InboundClaimBase(models.Model):
    """One row per (sender, payloadID) of a received request: its idempotency record.

    A concrete subclass adds the sender it is scoped by (a ForeignKey) and a unique
    constraint on (sender, ``payload_id``). The row, the change the document makes and
    the answer commit in one transaction (``answer_once``), so a copy finds the answer
    here. Answers a retry could change (5xx) are never stored.
    """

    payload_id = models.CharField(max_length=255)
    document_type = models.CharField(max_length=64)
    body_sha256 = models.CharField(max_length=64)
    answer = models.BinaryField()
    answer_http_status = models.PositiveSmallIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        abstract = True


def answer_once(
    claims: type[InboundClaimBase],
    scope: Mapping[str, object],
    document: Document,
    body: bytes,
    apply: Callable[[], HttpResponse],
) -> HttpResponse:
    """Apply ``document`` once per (``scope``, payloadID); every copy gets the same answer.

    ``scope`` names the sender, e.g. ``{"partner": partner}``. The claim, ``apply``'s
    changes and the answer commit together: a copy that races the first waits on the
    unique index (PostgreSQL) or the write lock (SQLite), then reads the answer. A
    permanent refusal (4xx) is stored like a success; a transient one (5xx) rolls
    everything back so the sender's retry is applied anew.
    """
    digest = body_digest(body)
    payload = getattr(document.body, "payload", None)
    rows = claims._default_manager
    for _ in range(_CLAIM_ATTEMPTS):
        claim = rows.filter(**scope, payload_id=document.payload_id).first()
        if claim is not None:
            check_same_body(claim, digest)
            return stored_answer(claim)
        try:
            with transaction.atomic():
                claim = rows.create(
                    **scope,
                    payload_id=document.payload_id,
                    document_type=type(payload).__name__,
                    body_sha256=digest,
                    answer=b"",
                    answer_http_status=0,
                )
                try:
                    with transaction.atomic():
                        answer = apply()
                except CXMLError as exc:
                    if outcome(exc.code) is Outcome.TRANSIENT:
                        raise
                    answer = status_response(exc.code, exc.detail, exc.text)
                claim.answer = answer.content
                claim.answer_http_status = answer.status_code
                claim.save(update_fields=("answer", "answer_http_status"))
            return answer
        except IntegrityError:
            continue  # a copy committed first: its answer is ours
    raise LocalProtocolError(f"payloadID {document.payload_id} is busy; retry later")
