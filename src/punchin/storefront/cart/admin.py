from django.contrib import admin

from punchin.storefront.cart.models import Cart, CartLine, Order, OrderLine


class CartLineInline(admin.TabularInline):
    model = CartLine
    extra = 0


@admin.register(Cart)
class CartAdmin(admin.ModelAdmin):
    list_display = ("user", "updated_at")
    inlines = (CartLineInline,)


class OrderLineInline(admin.TabularInline):
    model = OrderLine
    extra = 0


@admin.register(Order)
class OrderAdmin(admin.ModelAdmin):
    list_display = ("pk", "user", "account", "group", "total", "currency", "created_at")
    inlines = (OrderLineInline,)
