from django.contrib import admin

from punchin.procurement.orders.models import MatchTolerance


@admin.register(MatchTolerance)
class MatchToleranceAdmin(admin.ModelAdmin):
    """One row per organisation; without one, the field defaults apply."""

    list_display = (
        "organisation",
        "quantity_percent",
        "quantity_amount",
        "price_percent",
        "price_amount",
        "tax_percent",
        "tax_amount",
        "shipping_percent",
        "shipping_amount",
    )
