from __future__ import annotations

from django.contrib import admin
from django.utils.html import format_html
from django.utils.safestring import SafeString

from punchin.procurement.documents.models import CxmlDocument
from punchin.web.admin import CxmlDocumentAdminBase


@admin.register(CxmlDocument)
class CxmlDocumentAdmin(CxmlDocumentAdminBase):
    """The shared document log, with the answer we gave to each inbound request."""

    fields = (*CxmlDocumentAdminBase.fields, "answer_text_block")
    readonly_fields = fields

    @admin.display(description="our answer")
    def answer_text_block(self, obj: CxmlDocument) -> SafeString:
        return format_html("<pre style='white-space: pre-wrap'>{}</pre>", obj.answer_text)
