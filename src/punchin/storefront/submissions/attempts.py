"""The attempts of a submission, one at a time, and where it stands (P23).

The buyer's browser drives the attempts (``views.attempt``): each is one async POST
of the setup request, awaited on the event loop, so while it waits the same server
keeps answering PoomUrl fetches (P5) - waiting costs a coroutine, not a worker.
The attempt count and the pause between attempts are enforced here, not in the
browser: a reload or a second tab cannot send more often or more times.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from punchin.cxml.status import Outcome
from punchin.storefront.cart.models import Cart, CartLine
from punchin.storefront.integration.models import PurchasingSystem
from punchin.storefront.submissions.documents import note_outcome, record_answer
from punchin.storefront.submissions.judge import Verdict
from punchin.storefront.submissions.models import (
    Attempt,
    Poom,
    PunchInSubmission,
    State,
)
from punchin.storefront.submissions.sending import send
from punchin.transport import HttpReply
from punchin.web import lanes, metrics
from punchin.web.links import http_url
from punchin.web.prepared import Delete, Select, Update, save_fields


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

    @property
    def tries(self) -> str:
        """The attempts in the buyer's words: nothing until a try has failed."""
        if self.state != State.RETRYING:
            return ""
        left = self.max_attempts - self.attempts
        return (
            f"Your purchasing system did not take the cart yet; the store tries again "
            f"({left} more {'try' if left == 1 else 'tries'})."
        )

    def as_json(self) -> dict[str, object]:
        return {
            "tries": self.tries,
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
        # The judge accepted only an allowed StartPage; the page still checks the scheme.
        redirect_url=http_url(submission.start_page_url)
        if submission.state == State.ACCEPTED
        else "",
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


# The buyer's submission with what ``claim`` reads beside it (the system may have been
# removed: a LEFT JOIN, and ``claim`` sends nothing then), in one prepared query.
CLAIMABLE: Select[PunchInSubmission] = Select(
    lambda pk, user: PunchInSubmission.objects.select_related(
        "setup_request", "account__purchasing_system"
    ).filter(pk=pk, user_id=user)
)
_RENEW_POOM = Update(lambda pk, until: (Poom.objects.filter(pk=pk), {"expires_at": until}))


def claim(submission: PunchInSubmission) -> Claim | Progress:
    """Claim the next send if it is due; otherwise say where the submission stands.

    ``submission`` comes with its ``setup_request`` and its account's purchasing
    system (``CLAIMABLE``, one query for all three). One
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
            _RENEW_POOM(
                pk=submission.poom_id,
                until=started + timedelta(seconds=settings.PUNCHIN_POOM_TTL),
            )
            record = Attempt.objects.create(
                submission=submission, number=number, started_at=started
            )
    if record is None:
        return progress(PunchInSubmission.objects.get(pk=submission.pk))
    system = getattr(submission.account, "purchasing_system", None)
    return Claim(submission, record, system, submission.setup_request.sent)


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
    return await lanes.call(finish, claimed, verdict, reply)


FINISHED_FIELDS = ("response", "finished_at", "http_status", "status_code", "status_text", "error")
_EMPTY_CART = Delete(
    lambda user: CartLine.objects.filter(cart__in=Cart.objects.filter(user_id=user, punchout=None))
)


def finish(claimed: Claim, verdict: Verdict, reply: HttpReply | None) -> Progress:
    """Store the answer (first, on its own), then in one transaction the request's
    outcome, the attempt row and the submission's next state."""
    submission, record = claimed.submission, claimed.record
    if claimed.system is not None:
        record.response = record_answer(claimed.system, verdict, reply)
    with transaction.atomic():
        if claimed.system is not None:
            note_outcome(submission.setup_request_id, verdict)
        record.finished_at = timezone.now()
        record.http_status = verdict.http_status
        record.status_code = verdict.status_code
        record.status_text = verdict.status_text[:255]
        record.error = "" if reply is not None else verdict.detail or verdict.message
        save_fields(record, FINISHED_FIELDS)
        _conclude(submission, verdict, record.number)
    metrics.count_attempt(str(claimed.system) if claimed.system else "(removed)", submission.state)
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
        _EMPTY_CART(user=submission.user_id)
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
