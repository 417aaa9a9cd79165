"""The spend page: one chart per report with the same figures as a table beneath it,
and each report as CSV; each person sees the spend ``access.spend_scope`` allows."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from punchin.procurement.spend.access import spend_scope
from punchin.procurement.spend.charts import chart
from punchin.procurement.spend.export import as_csv
from punchin.procurement.spend.services import BY_KEY, spend


@login_required
def overview(request: HttpRequest) -> HttpResponse:
    scope = spend_scope(request.user)  # type: ignore[arg-type]
    found = spend(scope.orders)
    nonce = str(request.csp_nonce)
    sections = [
        (
            report,
            rows,
            chart(report.title, rows, line=report.over_time, nonce=nonce) if rows else "",
        )
        for report, rows in found.reports
    ]
    context = {"scope": scope, "empty": found.empty, "sections": sections}
    return render(request, "spend/overview.html", context)


@login_required
def export(request: HttpRequest, key: str) -> HttpResponse:
    report = BY_KEY.get(key)
    if report is None:
        raise Http404("no such spend report")
    scope = spend_scope(request.user)  # type: ignore[arg-type]
    rows = spend(scope.orders, (report,)).of(key)
    name = f"spend-by-{key}-{timezone.now():%Y-%m-%d}.csv"
    return HttpResponse(
        as_csv(report, rows),
        content_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )
