"""Integration health: one partner's traffic at a glance, for the integration engineer.

Documents per day by type and direction, the cXML Status of every answer, the latest
failures with their text, the repairs lenient reading applied, and the deliveries still
waiting or needing attention: a partner going wrong shows here before it calls. Every
figure is aggregated in the database (GROUP BY over ``TruncDate``) and every list is
bounded, so the page costs the same for a partner with ten documents or ten million.

The log names a row's partner in ``peer``: the inbound pipeline writes the partner's
name once it knows the sender; outbound rows (and the carts procurement fetches) carry
the URL they went to. ``Peers`` says which values and URL hosts belong to one partner;
each party builds it, because only the party knows which of its partners share a URL.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import BinaryField, Count, Q, QuerySet
from django.db.models.functions import Substr, TruncDate
from django.utils import timezone

from punchin.web.delivery.models import OutboundDelivery
from punchin.web.delivery.states import State
from punchin.web.documents import CxmlDocumentBase, Direction, redact_secrets

WINDOWS = (14, 30)
STATUSES_SHOWN = 20
FAILURES_SHOWN = 10
REPAIRS_SHOWN = 10
DELIVERIES_SHOWN = 20
EXCERPT_BYTES = 2000
# cXML Status codes of 400 and above are refusals or failures (cXML User's Guide,
# "Status": 2xx success, 4xx the sender's fault, 5xx the receiver's).
FAILURE_FROM = 400


@dataclass(frozen=True, slots=True)
class Peers:
    """What identifies one partner's rows in the document log's ``peer``.

    ``names``: exact values (the partner's name as the inbound pipeline writes it, the
    URLs of its endpoints). ``hosts``: URL hosts only this partner uses; a row whose
    peer is an http(s) URL on one of them is the partner's (procurement's fetched carts,
    whose PoomUrls differ on every cart).
    """

    names: frozenset[str]
    hosts: frozenset[str] = frozenset()

    def rows(self) -> Q:
        match = Q(peer__in=sorted(self.names)) if self.names else Q(pk__in=[])
        for host in sorted(self.hosts):
            for scheme in ("http", "https"):
                root = f"{scheme}://{host}"
                match |= Q(peer__iexact=root)
                match |= Q(peer__istartswith=f"{root}/") | Q(peer__istartswith=f"{root}:")
        return match


@dataclass(frozen=True, slots=True)
class Column:
    """One column of the per-day table: a direction and a document type."""

    direction: str
    document_type: str

    @property
    def label(self) -> str:
        return "received" if self.direction == Direction.INBOUND else "sent"


@dataclass(frozen=True, slots=True)
class Day:
    day: date
    counts: tuple[int, ...]

    @property
    def total(self) -> int:
        return sum(self.counts)


@dataclass(frozen=True, slots=True)
class Answer:
    """How often one cXML Status was answered: by us to its documents (inbound rows)
    or by it to ours (outbound rows)."""

    direction: str
    code: int | None
    text: str
    count: int

    @property
    def ok(self) -> bool:
        return self.code is not None and self.code < FAILURE_FROM

    @property
    def who(self) -> str:
        return "we answered" if self.direction == Direction.INBOUND else "it answered"


@dataclass(frozen=True, slots=True)
class Health:
    since: date
    window: int
    columns: tuple[Column, ...]
    days: tuple[Day, ...]
    answers: tuple[Answer, ...]
    failures: tuple[CxmlDocumentBase, ...]
    failure_count: int
    repaired: tuple[CxmlDocumentBase, ...]
    repaired_count: int
    delivery_counts: tuple[tuple[str, str, int], ...]
    waiting: tuple[OutboundDelivery, ...]

    @property
    def attention(self) -> int:
        return sum(n for state, _, n in self.delivery_counts if state == State.NEEDS_ATTENTION)


def window_of(value: str | None) -> int:
    """The window a request asks for (``?days=30``), one of ``WINDOWS``."""
    return int(value) if value in {str(w) for w in WINDOWS} else WINDOWS[0]


def health(
    log: type[CxmlDocumentBase],
    peers: Peers,
    partner_key: str,
    *,
    window: int = WINDOWS[0],
    deliveries_logged: bool = True,
) -> Health:
    """The partner's health over the last ``window`` days.

    ``deliveries_logged``: whether the party writes its queued outbound documents to
    the log too (the storefront does); if not (procurement), the delivery table is
    where its outbound documents are counted.
    """
    today = timezone.localdate()
    since = today - timedelta(days=window - 1)
    start = timezone.make_aware(datetime.combine(since, time.min))
    rows = log._default_manager.filter(peers.rows(), created_at__gte=start)
    deliveries = OutboundDelivery.objects.filter(partner_key=partner_key)
    per_day = _per_day(rows, has_direction=True)
    if not deliveries_logged:
        per_day += _per_day(deliveries.filter(created_at__gte=start), has_direction=False)
    return Health(
        since=since,
        window=window,
        **_days(per_day, since, window),
        answers=tuple(
            Answer(r["direction"], r["status_code"], r["status_text"], r["n"])
            for r in rows.exclude(status_code=None)
            .values("direction", "status_code", "status_text")
            .annotate(n=Count("pk"))
            .order_by("-n", "status_code")[:STATUSES_SHOWN]
        ),
        failures=tuple(_excerpted(rows.filter(status_code__gte=FAILURE_FROM))[:FAILURES_SHOWN]),
        failure_count=rows.filter(status_code__gte=FAILURE_FROM).count(),
        repaired=tuple(_excerpted(rows.exclude(repairs=""))[:REPAIRS_SHOWN]),
        repaired_count=rows.exclude(repairs="").count(),
        delivery_counts=_delivery_counts(deliveries),
        waiting=tuple(
            deliveries.exclude(state=State.DELIVERED)
            .defer("raw", "answer")
            .order_by("-created_at")[:DELIVERIES_SHOWN]
        ),
    )


def _per_day(rows: QuerySet, *, has_direction: bool) -> list[tuple[date, str, str, int]]:
    """(day, direction, type, count), grouped in the database; rows without a
    direction (the delivery table's) are outbound."""
    fields = ("day", "document_type", "direction") if has_direction else ("day", "document_type")
    grouped = rows.annotate(day=TruncDate("created_at")).values(*fields)
    return [
        (r["day"], r.get("direction", Direction.OUTBOUND), r["document_type"], r["n"])
        for r in grouped.annotate(n=Count("pk")).order_by()
    ]


def _days(
    per_day: list[tuple[date, str, str, int]], since: date, window: int
) -> dict[str, tuple[Column, ...] | tuple[Day, ...]]:
    """Every day of the window, newest first (a quiet day shows as zeros: silence from
    a partner that usually writes is a symptom too), one column per direction and type."""
    cells: dict[tuple[date, Column], int] = {}
    for day, direction, document_type, n in per_day:
        key = (day, Column(direction, document_type or "unknown"))
        cells[key] = cells.get(key, 0) + n
    columns = tuple(
        sorted({c for _, c in cells}, key=lambda c: (c.direction, c.document_type.casefold()))
    )
    days = tuple(
        Day(day, tuple(cells.get((day, c), 0) for c in columns))
        for day in (since + timedelta(days=n) for n in reversed(range(window)))
    )
    return {"columns": columns, "days": days}


def _excerpted(rows: QuerySet) -> QuerySet:
    """Newest first, with the document's first bytes only (``excerpt``), never the
    whole body: a page of ten failures must not load ten megabyte-sized documents."""
    return (
        rows.defer("raw", "answer")
        .annotate(head=Substr("raw", 1, EXCERPT_BYTES, output_field=BinaryField()))
        .order_by("-created_at", "-pk")
    )


def excerpt(row: CxmlDocumentBase) -> str:
    """The excerpt ``_excerpted`` loaded, SharedSecrets redacted (the log stores them
    masked; this holds whatever wrote the row, and a cut inside a secret redacts to
    the end)."""
    head = bytes(getattr(row, "head", b"") or b"")
    return redact_secrets(head).decode("utf-8", errors="replace")


def _delivery_counts(deliveries: QuerySet) -> tuple[tuple[str, str, int], ...]:
    counts = dict(deliveries.order_by().values_list("state").annotate(n=Count("pk")))
    return tuple((value, label, counts.get(value, 0)) for value, label in State.choices)
