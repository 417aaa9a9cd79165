from django.contrib import admin

from punchin.storefront.cart.models import Cart, CartLine, Order, OrderLine, OrderStep


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


class OrderStepInline(admin.TabularInline):
    model = OrderStep
    extra = 0
    can_delete = False
    fields = ("event", "by", "note", "created_at")
    readonly_fields = fields


@admin.register(Order)
class OrderAdmin(admin.ModelAdmin):
    """Direct orders change only through the staff pages (the state table)."""

    list_display = ("pk", "user", "account", "group", "total", "currency", "state", "created_at")
    list_filter = ("state",)
    inlines = (OrderLineInline, OrderStepInline)

    def has_change_permission(self, request: object, obj: object = None) -> bool:
        return False

    def has_add_permission(self, request: object) -> bool:
        return False
