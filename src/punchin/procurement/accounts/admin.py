from django.contrib import admin

from punchin.procurement.accounts.models import Membership, Organisation


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 1
    autocomplete_fields = ("user",)


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    search_fields = ("name",)
    inlines = (MembershipInline,)
