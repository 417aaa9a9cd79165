from django.apps import AppConfig


class DocumentsConfig(AppConfig):
    name = "punchin.storefront.documents"
    label = "documents"
    verbose_name = "cXML documents"
