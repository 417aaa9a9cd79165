from django.apps import AppConfig


class PunchOutConfig(AppConfig):
    name = "punchin.storefront.punchout"
    label = "punchout"
    verbose_name = "PunchOut sessions"
