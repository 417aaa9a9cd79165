"""The document log's admin, shared by both parties (each registers its own model)."""

from __future__ import annotations

from typing import ClassVar

from django.contrib import admin
from django.utils.html import format_html
from django.utils.safestring import SafeString

from punchin.web.documents import CxmlDocumentBase


class CxmlDocumentAdminBase(admin.ModelAdmin):
    """Every document as it crossed the wire, with what became of it; read-only,
    because the log is evidence (docs/architecture.md: stored before acting or sending)."""

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
    fields: tuple[str, ...] = (
        "created_at",
        "updated_at",
        "direction",
        "document_type",
        "payload_id",
        "peer",
        "status_code",
        "status_text",
        "detail",
        "size",
        "body_digest",
        "document",
        "answer_document",
    )
    readonly_fields = fields

    class Media:
        # A stylesheet, not a style attribute: the Content-Security-Policy refuses those.
        css: ClassVar[dict[str, tuple[str, ...]]] = {"all": ("web/admin.css",)}

    @admin.display(description="document (SharedSecrets shown as ***)")
    def document(self, obj: CxmlDocumentBase) -> SafeString:
        return format_html('<pre class="cxml-document">{}</pre>', obj.text)

    @admin.display(description="our answer")
    def answer_document(self, obj: CxmlDocumentBase) -> SafeString:
        return format_html('<pre class="cxml-document">{}</pre>', obj.answer_text)

    def has_add_permission(self, request: object) -> bool:
        return False

    def has_change_permission(self, request: object, obj: object = None) -> bool:
        return False
