from django.apps import AppConfig


class CartConfig(AppConfig):
    name = "punchin.storefront.cart"
    label = "cart"
    verbose_name = "Carts and direct orders"
