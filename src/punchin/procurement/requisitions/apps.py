from django.apps import AppConfig


class RequisitionsConfig(AppConfig):
    name = "punchin.procurement.requisitions"
    label = "procurement_requisitions"
    verbose_name = "Requisitions"
