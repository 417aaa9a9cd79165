"""Sending documents a partner must apply, and judging each answer: the I/O shared by
``check order-endpoint`` and ``check fulfilment-endpoint``.

Each document is POSTed through ``punchin.transport`` with the headers of P20 and the
chosen HTTP authentication, its answer judged (``applied``), and then sent again,
byte for byte: the copy must get the same answer and change nothing (``refusals``).
The refusal probes send a document with a wrong SharedSecret, one from an unknown
Sender and a malformed one.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

from punchin.cxml import Document, reply_outcome, reply_status, serialize
from punchin.cxml.build import Parties
from punchin.cxml.status import Outcome
from punchin.transport import CxmlClient, HttpReply, Timeout, TransportError
from punchin.transport.auth import Auth

from .answers import RESPONSE_TIME
from .applied import check_answer
from .findings import Report, failed, in_step, info
from .refusals import (
    BAD_CREDENTIALS,
    MALFORMED,
    REPEAT,
    UNKNOWN_SENDER,
    WRONG_SECRET,
    check_malformed,
    check_refusal,
    check_repeat,
    check_unknown_sender,
)

SENT = "Sent"
NOT_SENT = "Not sent"
REFUSALS = "Refusals"


@dataclass(frozen=True)
class Partner:
    """Who the checker speaks as, and how it reaches the partner's endpoints.
    ``budget`` is the answer time that passes, ``timeout`` when we stop waiting."""

    parties: Parties
    auth: Auth | None = field(default=None, repr=False)
    ca_file: str | None = None
    dtd_dir: Path | None = None
    budget: float = 20.0
    timeout: float = 60.0


def applied(reply: HttpReply | None) -> bool:
    """Whether the partner applied the document: its answer's Status says success."""
    return reply is not None and (
        reply_outcome(reply.status, reply_status(reply.body)) is Outcome.SUCCESS
    )


def label(document: Document) -> str:
    """``OrderRequest 1700000000.1.2@host``: what was sent, for an INFO line."""
    payload = getattr(document.body, "payload", None)
    return f"{type(payload).__name__} {document.payload_id}"


@dataclass
class Exchange:
    partner: Partner
    client: CxmlClient
    report: Report

    async def post(self, url: str, body: bytes, step: str, check: str) -> HttpReply | None:
        """POST ``body``; a transport failure becomes a FAIL of ``check``."""
        try:
            return await self.client.post(
                url,
                body,
                auth=self.partner.auth,
                user_agent=self.partner.parties.user_agent,
                timeout=self.partner.timeout,
            )
        except Timeout as exc:
            self.report.add(failed(RESPONSE_TIME, exc.detail, step))
        except TransportError as exc:
            self.report.add(failed(check, f"no answer: {exc.detail}", step))
        return None

    async def apply(self, step: str, url: str, document: Document) -> HttpReply | None:
        """Send ``document``, judge the answer, send it again and compare the answers."""
        body = serialize(document)
        self.report.add(info(SENT, f"{label(document)} to {url}", step))
        reply = await self.post(url, body, step, "HTTP status")
        if reply is None:
            return None
        judged = check_answer(reply, self.partner.dtd_dir, self.partner.budget)
        self.report.add(in_step(step, judged))
        again = await self.post(url, body, step, REPEAT)
        if again is not None:
            self.report.add(in_step(step, [check_repeat(reply, again)]))
        return reply

    def skip(self, step: str, why: str) -> None:
        self.report.add(info(NOT_SENT, why, step))

    async def refusals(self, url: str, build: Callable[[Parties], Document]) -> None:
        """A wrong SharedSecret and an unknown Sender are refused alike (401 or 403),
        a malformed document with 400; ``build`` makes a valid document for ``parties``."""
        parties = self.partner.parties
        noise = secrets.token_hex(8)
        wrong_secret = build(replace(parties, shared_secret=f"not-it-{noise}"))
        wrong = await self.post(url, serialize(wrong_secret), REFUSALS, WRONG_SECRET)
        if wrong is not None:
            fact = "a sender's credentials are refused with 401 or 403 (docs/protocol.md S1.4)"
            finding = check_refusal(WRONG_SECRET, wrong, BAD_CREDENTIALS, fact)
            self.report.add(in_step(REFUSALS, [finding]))
        stranger = build(replace(parties, sender_identity=f"nobody-{noise}"))
        unknown = await self.post(url, serialize(stranger), REFUSALS, UNKNOWN_SENDER)
        if wrong is not None and unknown is not None:
            self.report.add(in_step(REFUSALS, [check_unknown_sender(wrong, unknown)]))
        malformed = serialize(build(parties)).replace(b"</cXML>", b"")  # root never closed
        answer = await self.post(url, malformed, REFUSALS, MALFORMED)
        if answer is not None:
            self.report.add(in_step(REFUSALS, [check_malformed(answer)]))
