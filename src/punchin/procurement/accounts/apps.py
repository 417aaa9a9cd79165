from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "punchin.procurement.accounts"
    label = "procurement_accounts"
    verbose_name = "Organisations and members"
