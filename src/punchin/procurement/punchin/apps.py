from django.apps import AppConfig


class PunchinConfig(AppConfig):
    name = "punchin.procurement.punchin"
    label = "procurement_punchin"
    verbose_name = "Punch-in requests"
