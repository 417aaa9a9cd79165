from django.apps import AppConfig


class DocumentsConfig(AppConfig):
    name = "punchin.procurement.documents"
    label = "procurement_documents"
    verbose_name = "cXML documents"
