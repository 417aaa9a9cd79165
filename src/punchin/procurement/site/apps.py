from django.apps import AppConfig


class SiteConfig(AppConfig):
    name = "punchin.procurement.site"
    label = "procurement_site"
