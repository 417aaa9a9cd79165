"""Durable delivery of outbound cXML documents: stored, queued, retried, never lost.

``outbox.enqueue`` stores a document and queues its delivery in the caller's
transaction; the ``delivery_worker`` command (django-tasks-db's worker plus a sweep)
sends it, retries transient failures with backoff until a horizon, and raises
permanent ones to staff. See docs/delivery.md.
"""
