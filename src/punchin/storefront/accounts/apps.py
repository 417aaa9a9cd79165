from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "punchin.storefront.accounts"
    label = "accounts"
    verbose_name = "Business accounts"
