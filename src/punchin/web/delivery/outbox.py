"""The delivery API: ``enqueue`` a document, ``retry_now`` one that needs attention.

``enqueue`` runs inside the caller's transaction: the delivery row and its
django-tasks-db task row are written to the same database in the same transaction
as the domain change, so either all three exist or none does. Deliberately not
``transaction.on_commit``: a crash between the commit and the hook would lose the
task (the worker's sweep would still find the row, but nothing should rely on that).
"""

from __future__ import annotations

import logging

from django.db import transaction
from django.utils import timezone

from punchin.cxml import Document, serialize

from .exceptions import PayloadIdReused
from .models import OutboundDelivery
from .services import move
from .states import State
from .tasks import queue

log = logging.getLogger("punchin.delivery")


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
