from django.apps import AppConfig


class PunchinConfig(AppConfig):
    name = "punchin.procurement.punchin"
    label = "procurement_punchin"
