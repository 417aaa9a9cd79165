"""Admins see every document as it crossed the wire, with what became of it."""

from __future__ import annotations

from django.contrib import admin
from django.utils.html import format_html
from django.utils.safestring import SafeString

from punchin.procurement.documents.models import CxmlDocument


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
    search_fields = ("payload_id", "peer", "detail")
    date_hierarchy = "created_at"
    fields = (
        "created_at",
        "direction",
        "document_type",
        "payload_id",
        "peer",
        "status_code",
        "status_text",
        "detail",
        "raw_text",
        "answer_text_block",
    )
    readonly_fields = fields

    @admin.display(description="document as received or sent")
    def raw_text(self, obj: CxmlDocument) -> SafeString:
        return format_html("<pre style='white-space: pre-wrap'>{}</pre>", obj.text)

    @admin.display(description="our answer")
    def answer_text_block(self, obj: CxmlDocument) -> SafeString:
        return format_html("<pre style='white-space: pre-wrap'>{}</pre>", obj.answer_text)

    def has_add_permission(self, request: object) -> bool:
        return False

    def has_change_permission(self, request: object, obj: object = None) -> bool:
        return False
