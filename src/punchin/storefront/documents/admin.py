from django.contrib import admin

from punchin.storefront.documents.models import CxmlDocument
from punchin.web.admin import CxmlDocumentAdminBase

admin.site.register(CxmlDocument, CxmlDocumentAdminBase)
