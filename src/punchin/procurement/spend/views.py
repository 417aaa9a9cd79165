"""The spend page: four charts, each with the same figures as a table beneath it; for
finance and procurement admins, over all of their organisations' orders."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from punchin.procurement.accounts.roles import FINANCE
from punchin.procurement.orders.access import finance_orders
from punchin.procurement.spend.charts import chart
from punchin.procurement.spend.services import spend


@FINANCE.required
def overview(request: HttpRequest) -> HttpResponse:
    figures = spend(finance_orders(request.user))  # type: ignore[arg-type]
    sections = [
        ("supplier", "Spend by supplier", figures.by_supplier, False),
        ("segment", "Spend by UNSPSC segment", figures.by_segment, False),
        ("cost-centre", "Spend by cost centre", figures.by_cost_centre, False),
        ("month", "Spend by month", figures.by_month, True),
    ]
    return render(
        request,
        "spend/overview.html",
        {
            "empty": figures.empty,
            "sections": [
                (
                    key,
                    title,
                    rows,
                    chart(title, rows, line=line, nonce=str(request.csp_nonce)) if rows else "",
                )
                for key, title, rows, line in sections
            ],
        },
    )
