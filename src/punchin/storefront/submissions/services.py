"""Submitting a cart for approval (P4-P7, P14-P23), one attempt at a time.

The buyer's browser drives the attempts (``views.attempt``): each is one async POST
of the setup request, awaited on the event loop, so while it waits the same server
keeps answering PoomUrl fetches (P5) - waiting costs a coroutine, not a worker.
The attempt count and the pause between attempts are enforced here, not in the
browser: a reload or a second tab cannot send more often or more times.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, replace
from datetime import timedelta

from asgiref.sync import sync_to_async
from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from punchin.cxml import CXMLError, read, serialize
from punchin.cxml.build import Parties
from punchin.cxml.cart import (
    Line,
    punch_out_order_message,
    punch_out_setup_request,
)
from punchin.cxml.envelope import Response
from punchin.cxml.payload_id import new_payload_id
from punchin.cxml.punchout import PunchOutSetupResponse
from punchin.cxml.status import Outcome, outcome
from punchin.storefront.accounts.models import Member, PurchasingMode
from punchin.storefront.cart import services as cart
from punchin.storefront.cart.models import Cart, CartLine
from punchin.storefront.cart.services import Checkout, CheckoutError
from punchin.storefront.catalog.models import Product
from punchin.storefront.documents.models import CxmlDocument
from punchin.storefront.integration.models import DeploymentMode, PurchasingSystem
from punchin.storefront.integration.services import (
    ConfigurationError,
    system_of,
    transport_auth,
    url_policy,
    user_agent,
)
from punchin.storefront.submissions.models import (
    Attempt,
    Poom,
    PunchInSubmission,
    State,
)
from punchin.transport import HttpReply, TransportError
from punchin.web.clients import cxml_client
from punchin.web.documents import Direction

# The answer we keep and show is capped; a StartPage answer is a few hundred bytes.
MAX_ANSWER_BYTES = 1024 * 1024


@dataclass(frozen=True, slots=True)
class Verdict:
    """What one answer (or failure) means under P23, and what to tell the buyer."""

    outcome: Outcome
    message: str
    http_status: int | None = None
    status_code: int | None = None
    status_text: str = ""
    detail: str = ""
    start_page_url: str = ""


def parties(system: PurchasingSystem, deployment_mode: str | None = None) -> Parties:
    return Parties(
        domain=system.credential_domain,
        from_identity=system.from_identity,
        to_identity=system.to_identity,
        sender_identity=system.sender_identity,
        shared_secret=system.shared_secret,
        user_agent=user_agent(),
        deployment_mode=deployment_mode or system.deployment_mode,
    )


def line_of(product: Product, quantity: int, base_url: str) -> Line:
    return Line(
        quantity=quantity,
        supplier_part_id=product.supplier_part_id,
        supplier_part_auxiliary_id=product.supplier_part_auxiliary_id,
        description=product.description,
        short_name=product.short_name,
        unit_price=product.price,
        unit_of_measure=product.unit_of_measure,
        unspsc=product.unspsc,
        manufacturer_part_id=product.manufacturer_part_id,
        manufacturer_name=product.manufacturer,
        url=base_url + product.get_absolute_url(),
        lead_time_days=product.lead_time_days,
    )


def line_reference(payload_id: str, line_number: int) -> str:
    """The SupplierPartAuxiliaryID of cart line ``line_number``: the submission's
    payloadID (unique, P15) and the line, so an OrderRequest line finds its cart line."""
    return f"{payload_id}:{line_number}"


def parse_line_reference(value: str) -> tuple[str, int] | None:
    """``line_reference`` read back, or None if ``value`` is not one of ours."""
    payload_id, _, number = value.strip().rpartition(":")
    if not payload_id or not number.isascii() or not number.isdigit() or len(number) > 6:
        return None
    return payload_id, int(number)


def _outbound(document_type: str, payload_id: str, peer: str, raw: bytes) -> CxmlDocument:
    return CxmlDocument.objects.create(
        direction=Direction.OUTBOUND,
        document_type=document_type,
        payload_id=payload_id,
        peer=peer,
        raw=raw,
    )


@dataclass(frozen=True, slots=True)
class Prepared:
    """A POOM behind its PoomUrl and the setup request announcing it, both stored."""

    payload_id: str
    poom: Poom
    setup_request: CxmlDocument


def prepare(
    system: PurchasingSystem,
    user_email: str,
    lines: list[Line],
    currency: str,
    base_url: str,
    deployment_mode: str | None = None,
) -> Prepared:
    """Build and store the POOM and the setup request under one new payloadID (P15)."""
    payload_id = new_payload_id()
    sides = parties(system, deployment_mode)
    # P8: the purchase order comes back with each line's SupplierPartAuxiliaryID; it
    # names the cart line it was ordered from (``line_reference``).
    lines = [
        replace(line, supplier_part_auxiliary_id=line_reference(payload_id, number))
        for number, line in enumerate(lines, start=1)
    ]
    poom_doc = _outbound(
        "PunchOutOrderMessage",
        payload_id,
        system.endpoint_url,
        serialize(punch_out_order_message(payload_id, sides, lines, currency)),
    )
    token = secrets.token_urlsafe(32)
    poom = Poom.objects.create(
        token=token,
        document=poom_doc,
        expires_at=timezone.now() + timedelta(seconds=settings.PUNCHIN_POOM_TTL),
    )
    poom_url = base_url + reverse("submissions:poom", args=[token])
    request_doc = _outbound(
        "PunchOutSetupRequest",
        payload_id,
        system.endpoint_url,
        serialize(punch_out_setup_request(payload_id, sides, user_email, poom_url)),
    )
    return Prepared(payload_id, poom, request_doc)


@transaction.atomic
def submit(member: Member, checkout: Checkout, base_url: str) -> PunchInSubmission:
    """P3/P4: "Submit order for approval" - snapshot the cart into a POOM and queue
    its setup request. Nothing is sent yet; the submission page drives the attempts."""
    if checkout.mode != PurchasingMode.PUNCHIN:
        raise CheckoutError("This group buys directly on the website.")
    system = system_of(member.account)
    if system is None:
        # P13: Punch-in requires the account's integration to exist.
        raise CheckoutError(
            "Your account has no purchasing system configured yet; ask your account "
            "admin to set it up under Business Settings > Systems integrations."
        )
    content = cart.view(member.user)
    if not content.lines:
        raise CheckoutError("Your cart is empty.")
    lines = [line_of(line.product, line.quantity, base_url) for line in content.lines]
    prepared = prepare(system, member.user.email, lines, content.currency, base_url)
    now = timezone.now()
    return PunchInSubmission.objects.create(
        user=member.user,
        account=member.account,
        group=checkout.group,
        delivery_address=checkout.delivery_address,
        payment_method=checkout.payment_method,
        delivery_speed=checkout.delivery_speed,
        total=content.total,
        currency=content.currency,
        payload_id=prepared.payload_id,
        poom=prepared.poom,
        setup_request=prepared.setup_request,
        endpoint_url=system.endpoint_url,
        max_attempts=max(1, settings.PUNCHIN_SETUP_ATTEMPTS),
        next_attempt_at=now,
    )


def _start_page_allowed(url: str) -> bool:
    """The browser goes there next (P7): https only, http only in development; never
    ``javascript:`` or another scheme a hostile answer could smuggle in."""
    scheme = url.split(":", 1)[0].lower()
    return scheme == "https" or (scheme == "http" and settings.PUNCHIN_DEV)


def judge(reply: HttpReply) -> Verdict:
    """P23 on an answer: 200 go to the StartPage; 4xx stop and explain; 5xx retry.

    The cXML Status decides; the HTTP status only when the body is unreadable. The
    answer is read leniently (P24: partners send imperfect documents).
    """
    try:
        document = read(reply.body, lenient=True).document
    except CXMLError as exc:
        transient = reply.status >= 500
        return Verdict(
            Outcome.TRANSIENT if transient else Outcome.PERMANENT,
            f"The purchasing system answered HTTP {reply.status} without a readable cXML document.",
            http_status=reply.status,
            detail=exc.detail,
        )
    body = document.body
    if not isinstance(body, Response):
        return Verdict(
            Outcome.PERMANENT,
            "The purchasing system answered with a cXML document that is not a Response.",
            http_status=reply.status,
        )
    status = body.status
    common = {
        "http_status": reply.status,
        "status_code": status.code,
        "status_text": status.text,
        "detail": status.detail.strip(),
    }
    said = f"{status.code} {status.text}" + (f": {status.detail.strip()}" if status.detail else "")
    result = outcome(status.code)
    if result is Outcome.SUCCESS:
        payload = body.payload
        url = (
            payload.start_page.url.value.strip()
            if isinstance(payload, PunchOutSetupResponse)
            else ""
        )
        if not url or not _start_page_allowed(url):
            return Verdict(
                Outcome.PERMANENT,
                "The purchasing system accepted the cart but sent no usable StartPage URL.",
                **common,
            )
        return Verdict(
            Outcome.SUCCESS,
            "Your purchasing system accepted the cart. Continue there to complete and "
            "submit the requisition.",
            start_page_url=url,
            **common,
        )
    if result is Outcome.TRANSIENT:
        return Verdict(
            Outcome.TRANSIENT, f"Your purchasing system had a problem ({said}).", **common
        )
    if status.code in (401, 403):
        hint = (
            "It did not recognise this store: the SharedSecret or the sender identity does "
            "not match what it expects. Ask your account admin to check Configure "
            "Purchasing System."
        )
    else:
        hint = "It could not accept this order as sent. Nothing was sent again."
    return Verdict(
        Outcome.PERMANENT, f"Your purchasing system refused the cart ({said}). {hint}", **common
    )


def judge_failure(exc: TransportError) -> Verdict:
    """P23: a timeout or a connection error is worth retrying; a refused URL, a TLS
    failure or a redirect is a configuration problem that the same send meets again."""
    if exc.transient:
        return Verdict(
            Outcome.TRANSIENT, f"Your purchasing system could not be reached ({exc.detail})."
        )
    return Verdict(
        Outcome.PERMANENT,
        f"The purchasing system's endpoint cannot be used ({exc.detail}). Ask your account "
        "admin to check Configure Purchasing System.",
        detail=exc.detail,
    )


async def send(system: PurchasingSystem, body: bytes) -> tuple[Verdict, HttpReply | None]:
    """POST one setup request with the configured auth; P20's headers come from the
    transport, the keep-alive client from the server process (``punchin.web.clients``)."""
    try:
        auth = transport_auth(system)
    except ConfigurationError as exc:
        return Verdict(Outcome.PERMANENT, str(exc), detail=str(exc)), None
    try:
        async with cxml_client() as client:
            reply = await client.post(
                system.endpoint_url,
                body,
                auth=auth,
                user_agent=user_agent(),
                timeout=settings.PUNCHIN_SETUP_TIMEOUT,
                max_bytes=MAX_ANSWER_BYTES,
                policy=url_policy(system.endpoint_url),
            )
    except TransportError as exc:
        return judge_failure(exc), None
    return judge(reply), reply


def record_answer(
    system: PurchasingSystem, verdict: Verdict, reply: HttpReply | None
) -> CxmlDocument | None:
    """Keep what came back, before acting on it (docs/architecture.md): its own statement,
    committed even if acting on it fails."""
    if reply is None:
        return None
    payload_id = ""
    document_type = ""
    try:
        parsed = read(reply.body, lenient=True)
        payload_id = parsed.document.payload_id
        payload = getattr(parsed.document.body, "payload", None)
        document_type = type(payload).__name__ if payload is not None else "Response"
        repairs = "; ".join(str(r) for r in parsed.repairs)
    except CXMLError:
        repairs = ""
    detail = "\n".join(
        part for part in (verdict.detail, f"repaired: {repairs}" if repairs else "") if part
    )
    return CxmlDocument.objects.create(
        direction=Direction.INBOUND,
        document_type=document_type,
        payload_id=payload_id[:255],
        peer=system.endpoint_url,
        raw=reply.body,
        status_code=verdict.status_code,
        status_text=verdict.status_text[:255],
        detail=detail,
    )


def _note_outcome(request_id: int, verdict: Verdict) -> None:
    """The outbound request's row says how its latest send ended."""
    CxmlDocument.objects.filter(pk=request_id).update(
        status_code=verdict.status_code,
        status_text=verdict.status_text[:255],
        detail=verdict.message,
    )


def _record_test(
    system: PurchasingSystem, request_id: int, verdict: Verdict, reply: HttpReply | None
) -> CxmlDocument | None:
    answer = record_answer(system, verdict, reply)
    _note_outcome(request_id, verdict)
    return answer


async def send_test_request(
    system: PurchasingSystem, user_email: str, base_url: str
) -> tuple[Verdict, CxmlDocument | None]:
    """P9's "Send test request": a setup request in deploymentMode test whose PoomUrl
    serves an empty cart; nothing is retried, the answer is shown as it came."""
    prepared = await sync_to_async(prepare)(
        system, user_email, [], "USD", base_url, DeploymentMode.TEST
    )
    verdict, reply = await send(system, bytes(prepared.setup_request.raw))
    answer = await sync_to_async(_record_test)(system, prepared.setup_request.pk, verdict, reply)
    return verdict, answer


@dataclass(frozen=True, slots=True)
class Progress:
    """Where a submission stands, for the page and its script."""

    state: str
    state_label: str
    message: str
    redirect_url: str
    retry_in: float
    attempts: int
    max_attempts: int

    def as_json(self) -> dict[str, object]:
        return {
            "state": self.state,
            "state_label": self.state_label,
            "message": self.message,
            "redirect_url": self.redirect_url,
            "retry_in": self.retry_in,
            "attempts": self.attempts,
            "max_attempts": self.max_attempts,
        }


def progress(submission: PunchInSubmission) -> Progress:
    retry_in = 0.0
    if submission.state == State.RETRYING:
        retry_in = max(0.0, (submission.next_attempt_at - timezone.now()).total_seconds())
    return Progress(
        state=submission.state,
        state_label=State(submission.state).label,
        message=submission.message,
        redirect_url=submission.start_page_url if submission.state == State.ACCEPTED else "",
        retry_in=round(retry_in, 3),
        attempts=submission.attempts,
        max_attempts=submission.max_attempts,
    )


def _claimable(submission: PunchInSubmission) -> bool:
    now = timezone.now()
    if submission.state in (State.QUEUED, State.RETRYING):
        return submission.next_attempt_at <= now
    if submission.state == State.SENDING:
        return submission.lease_until is not None and submission.lease_until < now
    return False


@dataclass(frozen=True, slots=True)
class Claim:
    """This request won the next send of ``submission`` (now SENDING): the attempt
    row it fills in, the purchasing system to send to (None if it was removed) and
    the stored setup request's exact bytes."""

    submission: PunchInSubmission
    record: Attempt
    system: PurchasingSystem | None
    body: bytes


# What ``claim`` reads with the submission (the system may have been removed: a
# LEFT JOIN, and ``claim`` sends nothing then).
CLAIM_RELATED = ("setup_request", "account__purchasing_system")


def claim(submission: PunchInSubmission) -> Claim | Progress:
    """Claim the next send if it is due; otherwise say where the submission stands.

    ``submission`` comes with its ``setup_request`` and its account's purchasing
    system (``CLAIM_RELATED``, one query for all three). One
    transaction: the guarded move to SENDING (a reload or a second tab never wins the
    same attempt), the PoomUrl's renewal (P19: it answers for PUNCHIN_POOM_TTL seconds
    after each send) and the attempt row. Synchronous, so the view runs it with the
    session and ownership lookups in one hop from the event loop: each hop costs
    more CPU than the statement it runs (docs/performance.md).
    """
    if not _claimable(submission):
        return progress(submission)
    number = submission.attempts + 1
    started = timezone.now()
    lease = started + timedelta(seconds=settings.PUNCHIN_SETUP_TIMEOUT + 10)
    record: Attempt | None = None
    with transaction.atomic():
        if submission.move(State.SENDING, attempts=number, lease_until=lease, message="Sending…"):
            Poom.objects.filter(pk=submission.poom_id).update(
                expires_at=started + timedelta(seconds=settings.PUNCHIN_POOM_TTL)
            )
            record = Attempt.objects.create(
                submission=submission, number=number, started_at=started
            )
    if record is None:
        return progress(PunchInSubmission.objects.get(pk=submission.pk))
    system = getattr(submission.account, "purchasing_system", None)
    return Claim(submission, record, system, bytes(submission.setup_request.raw))


async def attempt(claimed: Claim) -> Progress:
    """Send the claimed setup request once and move the submission (P23).

    200 -> ACCEPTED with the StartPage; 400/403 (any permanent answer) -> REFUSED at
    once; 500, timeout, connection error -> RETRYING after ``backoff * 2**(n-1)``
    seconds, or FAILED after ``max_attempts`` sends. The send is awaited on the
    event loop; everything after it is one hop (``finish``).
    """
    if claimed.system is None:
        verdict, reply = Verdict(Outcome.PERMANENT, "The purchasing system was removed."), None
    else:
        verdict, reply = await send(claimed.system, claimed.body)
    return await sync_to_async(finish)(claimed, verdict, reply)


FINISHED_FIELDS = ("response", "finished_at", "http_status", "status_code", "status_text", "error")


def finish(claimed: Claim, verdict: Verdict, reply: HttpReply | None) -> Progress:
    """Store the answer (first, on its own), then in one transaction the request's
    outcome, the attempt row and the submission's next state."""
    submission, record = claimed.submission, claimed.record
    if claimed.system is not None:
        record.response = record_answer(claimed.system, verdict, reply)
    with transaction.atomic():
        if claimed.system is not None:
            _note_outcome(submission.setup_request_id, verdict)
        record.finished_at = timezone.now()
        record.http_status = verdict.http_status
        record.status_code = verdict.status_code
        record.status_text = verdict.status_text[:255]
        record.error = "" if reply is not None else verdict.detail or verdict.message
        record.save(update_fields=FINISHED_FIELDS)
        _conclude(submission, verdict, record.number)
    return progress(submission)


def _conclude(submission: PunchInSubmission, verdict: Verdict, number: int) -> None:
    if verdict.outcome is Outcome.SUCCESS:
        submission.move(
            State.ACCEPTED,
            start_page_url=verdict.start_page_url,
            message=verdict.message,
            lease_until=None,
        )
        # The cart now lives in the requisition; the storefront's copy is done.
        CartLine.objects.filter(cart__in=Cart.objects.filter(user_id=submission.user_id)).delete()
    elif verdict.outcome is Outcome.PERMANENT:
        submission.move(State.REFUSED, message=verdict.message, lease_until=None)
    elif number < submission.max_attempts:
        delay = settings.PUNCHIN_SETUP_BACKOFF * 2 ** (number - 1)
        submission.move(
            State.RETRYING,
            next_attempt_at=timezone.now() + timedelta(seconds=delay),
            message=f"{verdict.message} Retrying ({number + 1} of {submission.max_attempts})…",
            lease_until=None,
        )
    else:
        submission.move(
            State.FAILED,
            message=f"{verdict.message} We tried {number} times and gave up; your cart is "
            "unchanged, so you can submit it again later.",
            lease_until=None,
        )
