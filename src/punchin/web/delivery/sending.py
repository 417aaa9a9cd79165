"""The send of one attempt: the stored bytes POSTed with the P20 headers, the answer
classified. No database transaction is open while the request is on the wire (the
claim and the record around it are ``tasks``' business)."""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass

from punchin.cxml.status import Outcome
from punchin.transport import TransportError, post_sync

from . import conf
from .classify import Verdict, classify_error, classify_reply
from .exceptions import UnknownPartner
from .models import OutboundDelivery
from .targets import resolve

log = logging.getLogger("punchin.delivery")


@dataclass(frozen=True, slots=True)
class Sent:
    verdict: Verdict
    answer: bytes
    elapsed: float


def send(delivery: OutboundDelivery) -> Sent:
    """POST the stored bytes (P20 headers) and classify the answer; never raises."""
    started = time.monotonic()
    answer = b""
    try:
        target = resolve(delivery.partner_key)
        reply = post_sync(
            delivery.url,
            bytes(delivery.raw),
            auth=target.auth,
            policy=target.policy,
            user_agent=target.user_agent,
            ca_file=target.ca_file,
            timeout=conf.timeout(),
            max_bytes=conf.max_answer(),
        )
    except UnknownPartner as exc:
        verdict = Verdict(Outcome.PERMANENT, f"no partner {delivery.partner_key!r}: {exc}")
    except TransportError as exc:
        verdict = classify_error(exc)
    except Exception as exc:
        # Our own failure (a resolver bug, a database hiccup): retried like a 500.
        log.exception("delivery %s: unexpected failure", delivery.payload_id)
        verdict = Verdict(Outcome.TRANSIENT, f"internal error: {type(exc).__name__}")
    else:
        answer = reply.body
        verdict = classify_reply(reply.status, reply.body)
    return Sent(verdict, answer, time.monotonic() - started)
