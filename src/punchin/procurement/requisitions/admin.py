from django.contrib import admin

from punchin.procurement.requisitions.models import Requisition, RequisitionLine, StartPageToken


class RequisitionLineInline(admin.TabularInline):
    model = RequisitionLine
    extra = 0
    fields = (
        "line_number",
        "supplier_part_id",
        "description",
        "quantity",
        "unit_of_measure",
        "unit_price",
        "currency",
        "unspsc",
    )
    readonly_fields = fields
    can_delete = False


@admin.register(Requisition)
class RequisitionAdmin(admin.ModelAdmin):
    list_display = (
        "number",
        "organisation",
        "supplier",
        "requester",
        "state",
        "origin",
        "total",
        "currency",
        "created_at",
    )
    list_filter = ("state", "origin", "supplier", "organisation")
    search_fields = ("number", "buyer_email", "source_payload_id")
    readonly_fields = (
        "number",
        "origin",
        "organisation",
        "supplier",
        "buyer_email",
        "currency",
        "total",
        "supplier_total",
        "source_payload_id",
        "poom_payload_id",
        "created_at",
        "submitted_at",
    )
    inlines = (RequisitionLineInline,)


@admin.register(StartPageToken)
class StartPageTokenAdmin(admin.ModelAdmin):
    list_display = ("requisition", "expires_at", "used_at", "buyer_exists")
    readonly_fields = ("requisition", "digest", "expires_at", "used_at", "buyer_exists")
