from django.apps import AppConfig


class SpendConfig(AppConfig):
    name = "punchin.procurement.spend"
    label = "procurement_spend"
    verbose_name = "Spend visibility"
