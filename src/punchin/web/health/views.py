"""The integration health page and its document page, rendered for either party.

The parties decide who may see which partner and what identifies it (``Peers``); these
functions only render what ``punchin.web.health`` aggregates, inside the party's layout.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.http import Http404, HttpRequest, HttpResponse

from punchin.web.delivery.views import render_framed
from punchin.web.documents import CxmlDocumentBase

from .report import WINDOWS, Peers, excerpt, health, window_of


@dataclass(frozen=True, slots=True)
class Partner:
    """The partner a page is about, as the party knows it."""

    name: str
    key: str
    peers: Peers
    url: str
    back_url: str
    back_label: str
    document_url: Callable[[int], str]
    notes: tuple[str, ...] = ()


def refused(request: HttpRequest, text: str) -> HttpResponse:
    """403 in the site's layout, saying in words who may see the page."""
    return render_framed(request, "health/refused.html", {"text": text}, status=403)


def health_page(
    request: HttpRequest,
    partner: Partner,
    log: type[CxmlDocumentBase],
    *,
    deliveries_logged: bool,
) -> HttpResponse:
    window = window_of(request.GET.get("days"))
    report = health(
        log, partner.peers, partner.key, window=window, deliveries_logged=deliveries_logged
    )
    for row in (*report.failures, *report.repaired):
        row.excerpt = excerpt(row)  # type: ignore[attr-defined]
        row.link = partner.document_url(row.pk)  # type: ignore[attr-defined]
    return render_framed(
        request,
        "health/page.html",
        {
            "partner": partner,
            "health": report,
            "windows": WINDOWS,
            "can_retry": request.user.is_staff,
        },
    )


def document_page(
    request: HttpRequest, partner: Partner, log: type[CxmlDocumentBase], pk: int
) -> HttpResponse:
    """One of the partner's logged documents, SharedSecrets shown as ***; 404 for a
    document that is not the partner's."""
    row = log._default_manager.filter(partner.peers.rows(), pk=pk).first()
    if row is None:
        raise Http404("no such document of this partner")
    return render_framed(request, "health/document.html", {"partner": partner, "doc": row})
