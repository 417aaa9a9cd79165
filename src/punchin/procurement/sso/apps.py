from django.apps import AppConfig


class SsoConfig(AppConfig):
    name = "punchin.procurement.sso"
    label = "procurement_sso"
    verbose_name = "Single sign-on"
