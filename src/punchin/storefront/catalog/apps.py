from django.apps import AppConfig


class CatalogConfig(AppConfig):
    name = "punchin.storefront.catalog"
    label = "catalog"
    verbose_name = "Catalog"
