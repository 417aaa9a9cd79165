from django.contrib import admin

from punchin.storefront.accounts.models import BusinessAccount, BuyingGroup, Member


class MemberInline(admin.TabularInline):
    model = Member
    extra = 0
    autocomplete_fields = ("user",)


class GroupInline(admin.TabularInline):
    model = BuyingGroup
    extra = 0
    filter_horizontal = ("members",)


@admin.register(BusinessAccount)
class BusinessAccountAdmin(admin.ModelAdmin):
    list_display = ("name", "marketplace", "created_at")
    search_fields = ("name",)
    inlines = (MemberInline, GroupInline)


@admin.register(BuyingGroup)
class BuyingGroupAdmin(admin.ModelAdmin):
    list_display = ("name", "account", "direct", "punchin", "punchout", "purchasing_mode")
    list_filter = ("direct", "punchin", "punchout")
    filter_horizontal = ("members",)


@admin.register(Member)
class MemberAdmin(admin.ModelAdmin):
    list_display = ("user", "account", "is_account_admin")
    list_filter = ("is_account_admin",)
    search_fields = ("user__username", "account__name")
