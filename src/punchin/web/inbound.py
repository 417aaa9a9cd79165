"""The one path every cXML request a partner posts to us takes, on both parties.

An endpoint names the request type it takes and what applying it means; the party
plugs in who may send it (an ``Authenticator``), where its payloadIDs are claimed
(an ``InboundClaimBase`` table) and its document log. Then, for every request
(docs/architecture.md, "The inbound path"):

1. ``read`` within the body limit, safely but leniently (the sender, whose reading
   policy decides, is not known yet); the request type checked (450) and the
   endpoint's own protocol rules (``check``);
2. the sender authenticated (401 / 403; an unknown sender and a wrong SharedSecret
   are one answer at one cost: docs/security.md rows 9 and 10), then the document
   judged by the sender's reading policy (400 with the rule, 406 with the DTD's
   complaint; under ``lenient`` the repairs are logged with it);
3. the whole body logged, SharedSecrets masked, before anything acts on it; until the
   sender is known only a bounded record is kept (size, keyed digest, a prefix);
4. the payloadID claimed, once per sender, however many copies and processes: a copy
   gets the first answer byte for byte, another body 409 (docs/security.md row 11);
5. the endpoint's optional ``prepare`` (work that waits on the network, outside any
   transaction: Punch-in's cart fetch), then ``apply``, the claim's answer and the
   log's answer in one transaction, so a failure leaves nothing half-stored.

A permanent refusal (4xx) is stored like a success; a transient one (5xx) releases
the claim, so the sender's retry is applied anew.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import hmac
import logging
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any, Generic, Protocol, TypeVar

from django.conf import settings
from django.db import models, transaction
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from punchin.cxml import CXMLError, Limits, read, response_document
from punchin.cxml.envelope import Document, Request, Response
from punchin.cxml.errors import BadRequest, Conflict, LocalProtocolError, NotImplementedRequest
from punchin.cxml.policy import ReadingPolicy, accept, describe
from punchin.cxml.status import Outcome, outcome
from punchin.cxml.validate import DTD_DIR_ENV, NoDTDDirectory, dtd_directory
from punchin.web import lanes, logs, metrics
from punchin.web.cxmlhttp import CXML_CONTENT_TYPE, cxml_endpoint, cxml_response
from punchin.web.documents import CxmlDocumentBase, Direction
from punchin.web.inserts import PreparedInserts, insert_new
from punchin.web.prepared import Update, save_fields

log = logging.getLogger("punchin.web.inbound")

S = TypeVar("S")  # who sent the request, as the party knows it
P = TypeVar("P")  # the request payload the endpoint takes
H = TypeVar("H")

_BODY_SALT = "punchin.web.inbound.body"
_CLAIM_POLL_SECONDS = 0.05
# Compared against when no candidate exists, so that path costs what a real check costs.
_DUMMY_SECRET = b"\x00" * 64
# What the log keeps of a request whose sender is not known: enough to recognise it.
UNAUTHENTICATED_PREFIX_BYTES = 1024
UNREADABLE = "(unreadable)"


class Authenticator(Protocol[S]):
    """How a party recognises the sender of a request (oauthlib ``RequestValidator``
    style: the pipeline asks, the party answers from its own tables)."""

    def authenticate(self, document: Document, meta: Mapping[str, str]) -> S:
        """The sender of ``document``, or raise (on a database thread, in the
        request's one transaction).

        Called once the document was read and its type accepted, before anything is
        logged in full, claimed or applied. ``meta`` is the HTTP request's META (its
        string values: headers, ``REMOTE_ADDR``). Raise ``Unauthorized`` (401) when a
        transport credential the sender's scheme requires is missing or wrong,
        ``Forbidden`` (403) for an unknown sender or a wrong SharedSecret, with the
        same text and the same work for both (docs/security.md row 9), and
        ``BadRequest`` when the Sender is ambiguous (row 10: never "first one wins").
        Never returns None.
        """
        ...

    def scope(self, sender: S) -> dict[str, object]:
        """The claim table's fields that name ``sender`` (``{"partner": partner}``):
        a payloadID is claimed once per sender."""
        ...

    def name(self, sender: S) -> str:
        """How the document log and the pages name ``sender``."""
        ...

    def reading(self, sender: S) -> ReadingPolicy:
        """How strictly ``sender``'s documents are read (chosen per partner): the
        lenient read made to find the sender is judged by it (``punchin.cxml.policy``)."""
        ...


@dataclass(frozen=True, slots=True)
class Received(Generic[S, P]):
    """An accepted request, as ``prepare`` and ``apply`` see it."""

    document: Document
    payload: P
    sender: S
    entry: CxmlDocumentBase  # its row in the document log, saved
    base_url: str  # our public base URL, for links in the answer
    prepared: Any = None  # what ``prepare`` returned
    gathered: Any = None  # what ``gather`` read, for ``prepare``
    # Documents ``prepare`` fetched, stored (unsaved ones) in ``apply``'s transaction
    # before it runs, or with the refusal if it does not (docs/architecture.md).
    records: list[models.Model] = field(default_factory=list)


def request_of(document: Document, expected: type[P]) -> P:
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
    taken does not tell an unknown sender from a wrong secret (docs/security.md row 9).
    An empty secret matches nothing, nor does one that several candidates share (row
    10: never "first one wins").
    """
    form = (stored_as(presented) if stored_as else presented).encode()
    pairs = list(candidates)
    matching = [holder for holder, stored in pairs if hmac.compare_digest(form, stored.encode())]
    if not pairs:
        hmac.compare_digest(form, _DUMMY_SECRET)
    return matching[0] if presented and len(matching) == 1 else None


def claimed_sender(document: Document) -> str:
    """``domain:identity`` of each Sender credential, as the request claims them: what
    an unauthenticated record is counted by (``within_quota``)."""
    credentials = document.header.sender.credentials if document.header else ()
    claimed = ", ".join(f"{c.domain}:{c.identity.value.strip()}" for c in credentials)
    return claimed[:255] or "(no Sender)"


def within_quota(log: type[CxmlDocumentBase], entry: CxmlDocumentBase) -> bool:
    """Whether one more record of a request whose sender is unknown may be kept.

    Such records cost no credentials, so they are bounded per hour: per claimed Sender,
    per client address, and overall (``PUNCHIN_UNAUTHENTICATED_LOG_PER_HOUR``), so that
    garbage cannot fill the disk (docs/security.md row 3) and one noisy source cannot
    crowd out the records of a partner misconfiguring its secret.
    """
    quota = settings.PUNCHIN_UNAUTHENTICATED_LOG_PER_HOUR
    recent = log._default_manager.filter(
        created_at__gte=timezone.now() - timedelta(hours=1)
    ).exclude(claimed_sender="")
    limits = (
        (recent.filter(claimed_sender=entry.claimed_sender), quota["per_sender"]),
        (recent.filter(peer=entry.peer), quota["per_address"]),
        (recent, quota["overall"]),
    )
    return all(rows[:limit].count() < limit for rows, limit in limits)


def body_digest(body: bytes) -> str:
    """What tells two copies of a payloadID apart, and what settles a dispute about
    what was received: HMAC-SHA256 of the exact bytes. Keyed, because the body holds
    the sender's SharedSecret: a plain hash of a mostly known document would let a
    reader of the database test guesses of the secret offline."""
    return salted_hmac(_BODY_SALT, body, algorithm="sha256").hexdigest()


READING_POLICIES = [
    (
        ReadingPolicy.STANDARD.value,
        "Standard: the structural rules; imperfect documents refused (400)",
    ),
    (ReadingPolicy.LENIENT.value, "Lenient: known imperfections repaired and logged"),
    (ReadingPolicy.STRICT.value, "Strict: also valid against the cXML DTD, or refused (406)"),
]


def reading_policy_field() -> models.CharField[str, str]:
    """The per-partner reading policy, as each party's partner model stores it.

    Standard by default (docs/architecture.md, "Reading policies"): it reads every
    DTD-valid document and what the field commonly sends, and refuses what it would have
    to guess at; a partner whose documents need repairs is switched to lenient knowingly,
    and each repair is logged.
    """
    return models.CharField(
        max_length=8,
        choices=READING_POLICIES,
        default=ReadingPolicy.STANDARD.value,
        help_text="how strictly this partner's documents are read",
    )


def reading_policy_problem(policy: str) -> str | None:
    """Why ``policy`` cannot be chosen here, for the partner forms: strict reading
    validates against the official cXML DTDs, which this site must have."""
    if policy != ReadingPolicy.STRICT.value:
        return None
    try:
        dtd_directory()
    except NoDTDDirectory:
        return (
            "Strict reading validates against the official cXML DTDs: set "
            f"{DTD_DIR_ENV} to a folder of <version>/cXML.dtd files first."
        )
    return None


class ClaimState(models.TextChoices):
    PROCESSING = "processing", "Processing"
    ANSWERED = "answered", "Answered"


class InboundClaimBase(PreparedInserts):
    """One row per (sender, payloadID) of a received request: its idempotency record.

    A concrete subclass adds the sender it is scoped by (a ForeignKey) and a unique
    constraint on (sender, ``payload_id``): the first insert claims the payloadID,
    every copy finds this row. ``processing`` rows are in flight: their holder renews
    ``lease_until`` while it works, so a row whose lease ran out was left by a dead
    process and is taken over (``PUNCHIN_CLAIM_LEASE_SECONDS``, well inside the time a
    sender keeps retrying); ``answered`` rows keep the answer every copy gets. Answers a
    retry could change (5xx) are never stored: the row is deleted instead.
    """

    payload_id = models.CharField(max_length=255)
    document_type = models.CharField(max_length=64)
    body_sha256 = models.CharField(max_length=64)
    state = models.CharField(
        max_length=16, choices=ClaimState.choices, default=ClaimState.PROCESSING
    )
    answer = models.BinaryField(blank=True, default=b"")
    answer_http_status = models.PositiveSmallIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    lease_until = models.DateTimeField(null=True, blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        abstract = True


def _lease_end() -> datetime:
    return timezone.now() + timedelta(seconds=settings.PUNCHIN_CLAIM_LEASE_SECONDS)


@contextlib.asynccontextmanager
async def _leased(claimed: InboundClaimBase) -> AsyncIterator[None]:
    """Renew ``claimed``'s lease while the body runs, so that only a dead holder's
    claim runs out (a slow cart fetch is not taken over)."""
    rows = type(claimed)._default_manager.filter(pk=claimed.pk, state=ClaimState.PROCESSING)

    async def renew() -> None:
        while True:
            await asyncio.sleep(settings.PUNCHIN_CLAIM_LEASE_SECONDS / 3)
            await rows.aupdate(lease_until=_lease_end())

    renewing = asyncio.create_task(renew())
    try:
        yield
    finally:
        renewing.cancel()


@dataclass(frozen=True, slots=True)
class _Answer:
    """What we answer: the typed Response we built, or the stored bytes of a copy's."""

    http: HttpResponse
    document: Document | None = None
    copy_of: InboundClaimBase | None = None


def _stored(claim: InboundClaimBase) -> _Answer:
    return _Answer(
        HttpResponse(
            bytes(claim.answer), status=claim.answer_http_status, content_type=CXML_CONTENT_TYPE
        ),
        copy_of=claim,
    )


def _answer_with(document: Document) -> _Answer:
    return _Answer(cxml_response(document), document)


def _refusal(exc: CXMLError) -> Document:
    return response_document(exc.code, exc.text, exc.detail)


def _unexpected() -> _Answer:
    detail = "unexpected failure; the request can be retried"
    return _answer_with(response_document(500, None, detail))


class _InFlight:
    """The payloadID's first copy is still being processed (its claim is live)."""


IN_FLIGHT = _InFlight()


@dataclass(frozen=True, slots=True)
class _Read:
    """A request read and checked, before anything touched the database."""

    document: Document
    payload: Any
    parsed: Any  # punchin.cxml.Parsed, judged by the sender's policy once known
    body: bytes
    limits: Limits
    meta: dict[str, str]
    base_url: str


@dataclass(frozen=True)
class Endpoint(Generic[S, P]):
    """One inbound cXML endpoint: what it takes, who may send it, what applying means.

    ``apply`` runs in the transaction that stores the answer and returns the cXML
    Response to send (a refusal is a ``CXMLError``). ``check`` adds protocol rules
    judged before authentication; ``prepare`` is async work after the claim and
    outside the transaction, its result handed to ``apply`` as ``received.prepared``;
    ``gather`` is what ``prepare`` needs from the database, read in the claim's
    transaction (``received.gathered``).

    Database work is one call from the event loop per request, one transaction
    (docs/performance.md): authenticate, log, claim, apply, store the answer and note
    it on the log row. With ``prepare``, two: up to the claim (and ``gather``), then,
    after ``prepare``, the documents it fetched (``received.records``), ``apply`` and
    the answer.
    """

    takes: type[P]
    apply: Callable[[Received[S, P]], Document]
    authenticator: Authenticator[S]
    claims: type[InboundClaimBase]
    log: type[CxmlDocumentBase]
    check: Callable[[Document, P], None] | None = None
    prepare: Callable[[Received[S, P]], Awaitable[Any]] | None = None
    gather: Callable[[Received[S, P]], Any] | None = None

    def view(self) -> Callable[[HttpRequest], Awaitable[HttpResponse]]:
        """The Django view: POST only, no CSRF token (a server-to-server request
        authenticated by its own credentials), never a stack trace."""

        async def endpoint(request: HttpRequest) -> HttpResponse:
            return await self.answer(request)

        endpoint.__doc__ = f"Receives {self.takes.__name__}."
        return csrf_exempt(require_POST(cxml_endpoint(endpoint)))

    async def answer(self, request: HttpRequest) -> HttpResponse:
        """Answer one posted request and keep it, and the answer, in the log."""
        body = request.body
        entry = self.log(
            direction=Direction.INBOUND,
            document_type=self.takes.__name__,
            peer=request.META.get("REMOTE_ADDR", "")[:255],
            raw=body[:UNAUTHENTICATED_PREFIX_BYTES],
            size=len(body),
            body_digest=body_digest(body),
            claimed_sender=UNREADABLE,
        )
        try:
            read = self._read(request, body, entry)
        except CXMLError as exc:
            log.info("refused %s %s: %s %s", request.method, request.path, exc.code, exc.detail)
            answer = await lanes.call(_noted, entry, _answer_with(_refusal(exc)))
            return answer.http
        try:
            answer = await self._answer(read, entry)
        except Exception:
            log.exception("unexpected failure in %s", request.path)
            answer = await lanes.call(_noted, entry, _unexpected())
        return answer.http

    def _read(self, request: HttpRequest, body: bytes, entry: CxmlDocumentBase) -> _Read:
        """Step 1, on the event loop: read leniently (judged once the sender is known),
        the request type and the endpoint's own rules."""
        limits = Limits(max_bytes=settings.PUNCHIN_MAX_BODY_BYTES)
        parsed = read(body, lenient=True, limits=limits)
        document = parsed.document
        logs.working_on(document.payload_id)
        entry.payload_id = document.payload_id
        payload = getattr(document.body, "payload", None)
        entry.document_type = type(payload).__name__ if payload is not None else "unknown"
        entry.claimed_sender = claimed_sender(document)
        accepted = request_of(document, self.takes)
        if self.check is not None:
            self.check(document, accepted)
        return _Read(
            document=document,
            payload=accepted,
            parsed=parsed,
            body=body,
            limits=limits,
            meta={k: v for k, v in request.META.items() if isinstance(v, str)},
            base_url=settings.PUNCHIN_PUBLIC_URL or request.build_absolute_uri("/"),
        )

    async def _answer(self, read: _Read, entry: CxmlDocumentBase) -> _Answer:
        """Steps 2 to 5. A copy arriving while the first is in flight waits up to
        ``PUNCHIN_INFLIGHT_WAIT_SECONDS`` for its answer, then answers 500 so the sender
        retries later; the document is never applied twice."""
        deadline = time.monotonic() + settings.PUNCHIN_INFLIGHT_WAIT_SECONDS
        first = True
        while True:
            step = await lanes.call(self._begin, read, entry, first=first)
            first = False
            if step is not IN_FLIGHT:
                break
            if time.monotonic() > deadline:
                busy = LocalProtocolError(
                    f"payloadID {read.document.payload_id} is still being processed; retry later"
                )
                return await lanes.call(_noted, entry, _answer_with(_refusal(busy)))
            await asyncio.sleep(_CLAIM_POLL_SECONDS)
        if isinstance(step, _Answer):
            return step
        assert self.prepare is not None
        assert isinstance(step, tuple)
        received, claimed = step
        try:
            try:
                async with _leased(claimed):
                    received = replace(received, prepared=await self.prepare(received))
            except CXMLError as exc:
                return await lanes.call(self._finish, received, claimed, exc)
            return await lanes.call(self._finish, received, claimed, None)
        except BaseException:
            await asyncio.shield(lanes.call(self._release, received, claimed))
            raise

    def _begin(
        self, read: _Read, entry: CxmlDocumentBase, *, first: bool
    ) -> _Answer | _InFlight | tuple[Received[S, P], InboundClaimBase]:
        """One call, one transaction: the sender, the log row, the claim and, without
        ``prepare``, the whole request; with it, what ``gather`` reads."""
        try:
            sender = self.authenticator.authenticate(read.document, read.meta)
            entry.peer = self.authenticator.name(sender)[:255]
            entry.claimed_sender = ""
            policy = self.authenticator.reading(sender)
            repairs = accept(read.body, read.parsed, policy, limits=read.limits).repairs
        except CXMLError as exc:
            log.info("refused %s: %s %s", self.takes.__name__, exc.code, exc.detail)
            return _noted(entry, _answer_with(_refusal(exc)))
        entry.repairs = "\n".join(describe(repair) for repair in repairs)
        entry.raw = read.body  # the sender is known: the whole body (masked by the model)
        received: Received[S, P] = Received(
            document=read.document,
            payload=read.payload,
            sender=sender,
            entry=entry,
            base_url=read.base_url,
        )
        try:
            with transaction.atomic():
                if first:
                    entry.save()  # stored before anything acts on it
                return self._claim_and_apply(received)
        except BaseException:
            if first:  # rolled back with the transaction: still to be written
                entry.pk = None
                entry._state.adding = True
            raise

    def _claim_and_apply(
        self, received: Received[S, P]
    ) -> _Answer | _InFlight | tuple[Received[S, P], InboundClaimBase]:
        entry = received.entry
        try:
            claimed = self._try_claim(received)
        except CXMLError as exc:  # 409: another body under this payloadID
            return _noted(entry, _answer_with(_refusal(exc)))
        if not isinstance(claimed, InboundClaimBase):
            return claimed if claimed is IN_FLIGHT else _noted(entry, claimed)
        if self.prepare is not None:
            gathered = self.gather(received) if self.gather is not None else None
            return replace(received, gathered=gathered), claimed
        try:
            return _noted(entry, self._apply(received, claimed))
        except CXMLError as exc:  # transient: apply's savepoint is rolled back, and
            _release_claim(claimed)  # the claim given back for the sender's retry
            return _noted(entry, _answer_with(_refusal(exc)))

    def _finish(
        self, received: Received[S, P], claimed: InboundClaimBase, error: CXMLError | None
    ) -> _Answer:
        """After ``prepare``, one transaction: what it fetched, then ``apply`` (or its
        refusal), the stored answer and the log row's."""
        with transaction.atomic():
            _store_records(received)
            answer = None
            if error is None:
                try:
                    answer = self._apply(received, claimed)
                except CXMLError as exc:  # transient: raised past the stored answer
                    error = exc
            if answer is None:
                assert error is not None
                refusal = _refusal(error)
                if outcome(error.code) is Outcome.TRANSIENT:
                    _release_claim(claimed)
                    answer = _answer_with(refusal)
                else:
                    answer = self._store(received, claimed, refusal)
            return _noted(received.entry, answer)

    def _release(self, received: Received[S, P], claimed: InboundClaimBase) -> None:
        """After an unexpected failure: keep what was fetched, give the claim back."""
        with transaction.atomic():
            _store_records(received)
            _release_claim(claimed)

    def _try_claim(self, received: Received[S, P]) -> InboundClaimBase | _Answer | _InFlight:
        """One attempt: the new claim, an earlier copy's answer, or in flight."""
        entry = received.entry
        scope = self.authenticator.scope(received.sender)
        rows = self.claims._default_manager
        claim = self.claims(
            **scope,
            payload_id=received.document.payload_id,
            document_type=entry.document_type,
            body_sha256=entry.body_digest,
            lease_until=_lease_end(),
        )
        if insert_new(claim):  # every column filled: only the unique key can conflict
            return claim
        existing = rows.filter(**scope, payload_id=received.document.payload_id).first()
        if existing is None:  # released meanwhile: claim it on the next attempt
            return IN_FLIGHT
        if not hmac.compare_digest(existing.body_sha256, entry.body_digest):
            raise Conflict(f"payloadID {existing.payload_id} was received before with another body")
        if existing.state == ClaimState.ANSWERED:
            return _stored(existing)
        lease = existing.lease_until
        if lease is None or lease < timezone.now():  # its holder died: take it over
            rows.filter(pk=existing.pk, state=ClaimState.PROCESSING, lease_until=lease).delete()
        return IN_FLIGHT

    def _apply(self, received: Received[S, P], claimed: InboundClaimBase) -> _Answer:
        """``apply`` and its answer on the claim, in the caller's transaction: apply's
        own changes in a savepoint, rolled back on a refusal (a permanent one is
        stored as the answer; a transient one is raised)."""
        try:
            with transaction.atomic():
                document = self.apply(received)
        except CXMLError as exc:
            if outcome(exc.code) is Outcome.TRANSIENT:
                raise
            document = _refusal(exc)
        return self._store(received, claimed, document)

    def _store(
        self, received: Received[S, P], claimed: InboundClaimBase, document: Document
    ) -> _Answer:
        """The answer on the claim, in the caller's transaction."""
        answer = _answer_with(document)
        updated = _answering(self.claims)(
            pk=claimed.pk,
            answer=answer.http.content,
            status=answer.http.status_code,
            now=timezone.now(),
        )
        if updated != 1:  # taken over as stale meanwhile: roll the whole request back
            raise RuntimeError(f"the claim on {claimed.payload_id} was lost while processing")
        return answer


@functools.cache
def _answering(claims: type[InboundClaimBase]) -> Update:
    """The claim answered, if it is still ours (a prepared statement per claims table)."""
    return Update(
        lambda pk, answer, status, now: (
            claims._default_manager.filter(pk=pk, state=ClaimState.PROCESSING),
            {
                "state": ClaimState.ANSWERED,
                "answer": answer,
                "answer_http_status": status,
                "answered_at": now,
            },
        )
    )


def _store_records(received: Received[Any, Any]) -> None:
    """The documents ``prepare`` fetched, stored before anything is made of them."""
    for record in received.records:
        if record.pk is None:
            record.save(force_insert=True)


def _release_claim(claimed: InboundClaimBase) -> None:
    """Give the payloadID back so the sender's retry is applied anew (a 5xx)."""
    type(claimed)._default_manager.filter(pk=claimed.pk, state=ClaimState.PROCESSING).delete()


_LEARNT = (
    "answer",
    "status_code",
    "status_text",
    "detail",
    "payload_id",
    "document_type",
    "peer",
    "repairs",
    "updated_at",
)


def _noted(entry: CxmlDocumentBase, answer: _Answer) -> _Answer:
    """The log row learns what we answered, from the typed answer (never re-parsed);
    a row for an unknown sender is written only within its quota."""
    entry.answer = answer.http.content
    if answer.document is not None and isinstance(answer.document.body, Response):
        status = answer.document.body.status
        entry.status_code, entry.status_text, entry.detail = status.code, status.text, status.detail
    elif answer.copy_of is not None:
        entry.status_code = answer.copy_of.answer_http_status
        entry.status_text = "copy"
        entry.detail = (
            f"a copy of payloadID {answer.copy_of.payload_id}, first received "
            f"{answer.copy_of.created_at.isoformat()}: answered as the first time"
        )
    entry.status_text = entry.status_text[:255]
    known = not entry.claimed_sender  # cleared once the sender was authenticated
    metrics.count_inbound(
        entry.document_type, entry.peer if known else "unknown", entry.status_code
    )
    if entry.pk is None:  # refused before the sender was known: one write, if any
        if within_quota(type(entry), entry):
            entry.save()
        else:
            log.info("over quota, not logged: %s from %s", entry.claimed_sender, entry.peer)
    else:  # the body is stored (and masked) already: only what was learnt since
        save_fields(entry, _LEARNT)
    return answer
