"""The spend page: one chart per report with the same figures as a table beneath it,
and each report as CSV; for finance and procurement admins, over all of their
organisations' orders (``accounts.roles.FINANCE``, as the reconciliation list)."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from punchin.procurement.accounts.roles import FINANCE, finance_organisations
from punchin.procurement.orders.access import finance_orders
from punchin.procurement.spend.charts import chart
from punchin.procurement.spend.export import as_csv
from punchin.procurement.spend.services import BY_KEY, spend


@FINANCE.required
def overview(request: HttpRequest) -> HttpResponse:
    found = spend(finance_orders(request.user))  # type: ignore[arg-type]
    nonce = str(request.csp_nonce)
    sections = [
        (
            report,
            rows,
            chart(report.title, rows, line=report.over_time, nonce=nonce) if rows else "",
        )
        for report, rows in found.reports
    ]
    organisations = finance_organisations(request.user)  # type: ignore[arg-type]
    context = {
        "organisations": ", ".join(o.name for o in organisations),
        "empty": found.empty,
        "sections": sections,
    }
    return render(request, "spend/overview.html", context)


@FINANCE.required
def export(request: HttpRequest, key: str) -> HttpResponse:
    report = BY_KEY.get(key)
    if report is None:
        raise Http404("no such spend report")
    rows = spend(finance_orders(request.user), (report,)).of(key)  # type: ignore[arg-type]
    name = f"spend-by-{key}-{timezone.now():%Y-%m-%d}.csv"
    return HttpResponse(
        as_csv(report, rows),
        content_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )
