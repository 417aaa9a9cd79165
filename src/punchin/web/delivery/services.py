"""The delivery API: ``enqueue`` a document, ``retry_now`` one that needs attention.

``enqueue`` runs inside the caller's transaction: the delivery row and its
django-tasks-db task row are written to the same database in the same transaction
as the domain change, so either all three exist or none does. Deliberately not
``transaction.on_commit``: a crash between the commit and the hook would lose the
task (the worker's sweep would still find the row, but nothing should rely on that).
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.module_loading import import_string

from punchin.cxml import Document, serialize
from punchin.transport.auth import Auth
from punchin.transport.client import DEFAULT_USER_AGENT
from punchin.transport.policy import UrlPolicy

from . import conf
from .exceptions import PayloadIdReused
from .models import OutboundDelivery
from .signals import delivery_settled
from .states import MACHINE, SETTLED, State

log = logging.getLogger("punchin.delivery")


@dataclass(frozen=True, slots=True)
class Target:
    """How to reach a partner, looked up at send time so no secret waits in the queue.

    ``auth`` and ``policy`` as ``punchin.transport`` takes them; ``user_agent`` is the
    P20 ``User-Agent``; ``ca_file`` a CA bundle instead of the system's.
    """

    auth: Auth | None = None
    policy: UrlPolicy | None = None
    user_agent: str = DEFAULT_USER_AGENT
    ca_file: str | None = None


@functools.cache
def _resolver(path: str) -> Callable[[str], Target]:
    resolver: Callable[[str], Target] = import_string(path)
    return resolver


def resolve(partner_key: str) -> Target:
    """The party's ``PUNCHIN_DELIVERY_TARGET_RESOLVER`` for ``partner_key``.

    The resolver raises ``exceptions.UnknownPartner`` (a ``LookupError``) when it
    knows no such partner.
    """
    return _resolver(conf.resolver_path())(partner_key)


def document_type(document: Document) -> str:
    """The payload's element name (OrderRequest, ...), else the body's (Response, ...)."""
    payload = getattr(document.body, "payload", None)
    element = payload if payload is not None else document.body
    return type(element).__plan__.tag


def enqueue(
    document: Document, *, partner_key: str, url: str, reason: str = "", partner_name: str = ""
) -> OutboundDelivery:
    """Store ``document`` for delivery to ``url`` and queue its first attempt.

    Call inside the transaction that makes the domain change. The caller built the
    document, so it is DTD-valid; its bytes are fixed here and sent unchanged on every
    attempt. Enqueueing the same document again returns the existing delivery; a
    different document under a payloadID already queued raises ``PayloadIdReused``.
    ``partner_name`` is what the staff pages show for the partner (the key is an
    internal id); it is a label only, not part of the delivery's identity.
    """
    raw = serialize(document)
    with transaction.atomic():
        delivery, created = OutboundDelivery.objects.get_or_create(
            payload_id=document.payload_id,
            defaults={
                "document_type": document_type(document),
                "partner_key": partner_key,
                "partner_name": partner_name[:255],
                "url": url,
                "raw": raw,
                "reason": reason[:255],
            },
        )
        if not created:
            if bytes(delivery.raw) != raw or (delivery.partner_key, delivery.url) != (
                partner_key,
                url,
            ):
                raise PayloadIdReused(
                    f"payloadID {document.payload_id} is already queued for another "
                    "document or destination"
                )
            return delivery
        queue(delivery.pk)
    log.info("queued %s %s for %s", delivery.document_type, delivery.payload_id, partner_key)
    return delivery


def queue(delivery_id: int, run_after: datetime | None = None) -> None:
    """Queue a task that attempts the delivery (at ``run_after``, else at once).

    A delivery may have several tasks queued (the sweep adds one when in doubt);
    that is harmless, as only the task whose claim succeeds sends.
    """
    from .tasks import deliver  # imported here: the task module imports the sending code

    task = deliver.using(run_after=run_after) if run_after is not None else deliver
    result = task.enqueue(delivery_id)
    OutboundDelivery.objects.filter(pk=delivery_id).update(task_id=result.id)


def move(
    delivery_id: int,
    sources: Iterable[State],
    target: State,
    *,
    when: Q | None = None,
    **changes: Any,
) -> OutboundDelivery | None:
    """The one guarded state change: move the delivery from one of ``sources`` to
    ``target`` if it is still there (and ``when`` holds); return it, or None if
    another process got there first.

    A conditional UPDATE, so exactly one of two racing processes wins. A move into a
    settled state sends ``delivery_settled`` in the same transaction.
    """
    rows = OutboundDelivery.objects.filter(pk=delivery_id)
    if when is not None:
        rows = rows.filter(when)
    with transaction.atomic():
        if not MACHINE.move(rows, sources, target, what=f"delivery {delivery_id}", **changes):
            return None
        delivery = OutboundDelivery.objects.get(pk=delivery_id)
        if target in SETTLED:
            delivery_settled.send(sender=OutboundDelivery, delivery=delivery)
    return delivery


def retry_now(delivery_id: int) -> OutboundDelivery | None:
    """Send a delivery that needs attention again, with a fresh horizon; None if it
    no longer needs attention (someone else retried it)."""
    now = timezone.now()
    with transaction.atomic():
        delivery = move(
            delivery_id,
            (State.NEEDS_ATTENTION,),
            State.PENDING,
            next_attempt_at=now,
            horizon_start=now,
            lease_until=None,
        )
        if delivery is not None:
            queue(delivery_id)
    return delivery
