from django.apps import AppConfig


class OrdersConfig(AppConfig):
    name = "punchin.storefront.orders"
    label = "orders"
    verbose_name = "Purchase orders"
