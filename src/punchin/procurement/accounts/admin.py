from django.contrib import admin

from punchin.procurement.accounts.models import Membership, Organisation, OrganisationAddress


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 1
    autocomplete_fields = ("user",)


class AddressInline(admin.StackedInline):
    model = OrganisationAddress
    extra = 0


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    search_fields = ("name",)
    inlines = (MembershipInline, AddressInline)
    # Changed on the buying policy page only, which keeps the audit trail (P41).
    readonly_fields = ("requesters_change_delivery",)
