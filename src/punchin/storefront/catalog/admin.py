from django.contrib import admin

from punchin.storefront.catalog.models import Product


@admin.register(Product)
class ProductAdmin(admin.ModelAdmin):
    list_display = (
        "supplier_part_id",
        "name",
        "manufacturer",
        "category",
        "price",
        "currency",
        "unit_of_measure",
        "unspsc",
    )
    list_filter = ("category", "manufacturer")
    search_fields = ("supplier_part_id", "name", "manufacturer", "manufacturer_part_id")
