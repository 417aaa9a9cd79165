"""Errors of the delivery layer."""


class PayloadIdReused(Exception):
    """A different document was enqueued under a payloadID that is already queued.

    The payloadID names one document (cXML: unique per document); sending other bytes
    under it would make the partner's idempotency answer the first one.
    """


class UnknownPartner(LookupError):
    """The target resolver knows no partner by this key: delivery needs a person."""


class WorkerLost(Exception):
    """Recorded on a delivery task left running by a worker that died (never raised)."""
