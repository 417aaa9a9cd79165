from django.apps import AppConfig


class PartnersConfig(AppConfig):
    name = "punchin.procurement.partners"
    label = "procurement_partners"
