from django.apps import AppConfig


class OrdersConfig(AppConfig):
    name = "punchin.procurement.orders"
    label = "procurement_orders"
    verbose_name = "Purchase orders"

    def ready(self) -> None:
        from punchin.procurement.orders import receivers  # noqa: F401  (connects signals)
