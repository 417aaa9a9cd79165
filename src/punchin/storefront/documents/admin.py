from django.contrib import admin

from punchin.storefront.documents.models import CxmlDocument
from punchin.storefront.documents.services import shown_text


@admin.register(CxmlDocument)
class CxmlDocumentAdmin(admin.ModelAdmin):
    list_display = (
        "created_at",
        "direction",
        "document_type",
        "payload_id",
        "peer",
        "status_code",
        "status_text",
    )
    list_filter = ("direction", "document_type", "status_code")
    search_fields = ("payload_id", "peer")
    readonly_fields = (
        "direction",
        "document_type",
        "payload_id",
        "peer",
        "status_code",
        "status_text",
        "detail",
        "document",
        "created_at",
        "updated_at",
    )
    exclude = ("raw",)

    @admin.display(description="document (SharedSecret masked)")
    def document(self, obj: CxmlDocument) -> str:
        return shown_text(obj)

    def has_add_permission(self, request: object) -> bool:
        return False

    def has_change_permission(self, request: object, obj: object = None) -> bool:
        return False
