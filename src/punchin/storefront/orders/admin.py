from django.contrib import admin

from punchin.storefront.orders.models import (
    InboundRequest,
    OrderDocument,
    PurchaseOrder,
    PurchaseOrderLine,
)


class LineInline(admin.TabularInline):
    model = PurchaseOrderLine
    extra = 0
    can_delete = False
    exclude = ("product",)
    readonly_fields = tuple(
        f.name for f in PurchaseOrderLine._meta.fields if f.name not in ("id", "product")
    )


class DocumentInline(admin.TabularInline):
    model = OrderDocument
    extra = 0
    can_delete = False
    fields = ("kind", "number", "carrier", "tracking_number", "total", "created_by", "created_at")
    readonly_fields = fields


@admin.register(PurchaseOrder)
class PurchaseOrderAdmin(admin.ModelAdmin):
    """Orders change only through OrderRequests and the staff pages (the state table)."""

    list_display = ("order_id", "account", "state", "total", "currency", "created_at")
    list_filter = ("state", "account")
    search_fields = ("order_id", "payload_id")
    inlines = (LineInline, DocumentInline)

    def has_change_permission(self, request: object, obj: object = None) -> bool:
        return False

    def has_add_permission(self, request: object) -> bool:
        return False


@admin.register(InboundRequest)
class InboundRequestAdmin(admin.ModelAdmin):
    list_display = ("created_at", "system", "document_type", "payload_id", "answer_http_status")
    list_filter = ("document_type",)
    search_fields = ("payload_id",)
    exclude = ("answer",)

    def has_change_permission(self, request: object, obj: object = None) -> bool:
        return False

    def has_add_permission(self, request: object) -> bool:
        return False
