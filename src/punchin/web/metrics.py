"""What an operator's Prometheus scrapes from each party: ``GET /metrics``.

* ``punchin_http_request_seconds{kind, endpoint, status}``: every request's time in
  the handler, ``kind`` "machine" for the ``/cxml/`` endpoints and "page" for the rest,
  ``endpoint`` the URL pattern's name (never the path: tokens are in paths).
* ``punchin_inbound_documents_total{document_type, partner, status}``: every request a
  partner posted, by the cXML Status we answered (Punch-ins on procurement are the
  PunchOutSetupRequests); ``partner`` is "unknown" until the sender is authenticated.
* ``punchin_punchin_attempts_total{system, state}``: the storefront's sends of a
  PunchOutSetupRequest, by where the submission stands after it.
* ``punchin_deliveries{document_type, partner, state}``: the outbound queue, counted
  in the database when scraped (``punchin.web.delivery``).

Counting costs a few microseconds per request (docs/performance.md measures it);
``PUNCHIN_METRICS=0`` turns the counting off. With several uvicorn workers, set
``PROMETHEUS_MULTIPROC_DIR`` to an empty directory shared by them, as prometheus-client
requires, so a scrape sees every worker. The page answers only
``Authorization: Bearer <PUNCHIN_METRICS_TOKEN>``: partner names and volumes are not
for everyone, and behind nginx every client's address is the proxy's loopback one, so
the address proves nothing. Without a token it answers loopback clients in
development only (``PUNCHIN_DEV=1``: the demo, tests, the benchmark).
"""

from __future__ import annotations

import hmac
import os
from collections.abc import Iterator

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
    multiprocess,
)
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

ENABLED = os.environ.get("PUNCHIN_METRICS", "1") != "0"
_LOOPBACK = {"127.0.0.1", "::1"}

REQUEST_SECONDS = Histogram(
    "punchin_http_request_seconds",
    "Time to answer a request, in the party's handler",
    ["kind", "endpoint", "status"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30),
)
INBOUND = Counter(
    "punchin_inbound_documents",
    "cXML requests partners posted, by the Status answered",
    ["document_type", "partner", "status"],
)
ATTEMPTS = Counter(
    "punchin_punchin_attempts",
    "PunchOutSetupRequests the storefront sent, by the submission's state after",
    ["system", "state"],
)


def observe_request(kind: str, endpoint: str, status: int, seconds: float) -> None:
    if ENABLED:
        REQUEST_SECONDS.labels(kind, endpoint, str(status)).observe(seconds)


def count_inbound(document_type: str, partner: str, status: int | None) -> None:
    if ENABLED:
        INBOUND.labels(document_type, partner, str(status or "")).inc()


def count_attempt(system: str, state: str) -> None:
    if ENABLED:
        ATTEMPTS.labels(system, state).inc()


class Deliveries(Collector):
    """The outbound queue by document type, partner and state, read when scraped."""

    def collect(self) -> Iterator[GaugeMetricFamily]:
        from django.db.models import Count

        from punchin.web.delivery.models import OutboundDelivery

        family = GaugeMetricFamily(
            "punchin_deliveries",
            "Outbound documents in the durable queue, by state",
            labels=["document_type", "partner", "state"],
        )
        fields = ("document_type", "partner_name", "partner_key", "state")
        rows = OutboundDelivery.objects.values(*fields).annotate(n=Count("pk"))
        for row in rows.values_list(*fields, "n"):
            document_type, name, key, state, count = row
            family.add_metric([document_type, name or key, state], count)
        yield family


def _registry() -> CollectorRegistry:
    registry = CollectorRegistry()
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        multiprocess.MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
    else:
        for metric in (REQUEST_SECONDS, INBOUND, ATTEMPTS):
            registry.register(metric)
    registry.register(Deliveries())
    return registry


def _allowed(request: HttpRequest) -> bool:
    token: str = getattr(settings, "PUNCHIN_METRICS_TOKEN", "")
    if not token:
        return bool(settings.PUNCHIN_DEV) and request.META.get("REMOTE_ADDR", "") in _LOOPBACK
    scheme, _, presented = request.headers.get("Authorization", "").partition(" ")
    return scheme.lower() == "bearer" and hmac.compare_digest(presented.encode(), token.encode())


def metrics_view(request: HttpRequest) -> HttpResponse:
    """``GET /metrics``: the Prometheus text format."""
    if not _allowed(request):
        return HttpResponse("metrics are not served to this client\n", status=403)
    body = generate_latest(_registry())
    return HttpResponse(body, content_type=CONTENT_TYPE_LATEST)
