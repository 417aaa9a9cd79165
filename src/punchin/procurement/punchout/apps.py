from django.apps import AppConfig


class PunchoutConfig(AppConfig):
    name = "punchin.procurement.punchout"
    label = "procurement_punchout"
    verbose_name = "PunchOut"
