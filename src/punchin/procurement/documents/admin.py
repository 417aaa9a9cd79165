from __future__ import annotations

from django.contrib import admin

from punchin.procurement.documents.models import CxmlDocument
from punchin.web.admin import CxmlDocumentAdminBase

admin.site.register(CxmlDocument, CxmlDocumentAdminBase)
