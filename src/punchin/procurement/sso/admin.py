from django.contrib import admin

from punchin.procurement.sso.forms import ProviderForm
from punchin.procurement.sso.models import Identity, IdentityProvider


class IdentityProviderForm(ProviderForm):
    class Meta(ProviderForm.Meta):
        fields = ("organisation", *ProviderForm.Meta.fields)


@admin.register(IdentityProvider)
class IdentityProviderAdmin(admin.ModelAdmin):
    form = IdentityProviderForm
    list_display = ("organisation", "protocol", "enabled", "email_domains")
    list_filter = ("protocol", "enabled")


@admin.register(Identity)
class IdentityAdmin(admin.ModelAdmin):
    list_display = ("subject", "provider", "user", "created_at", "last_login_at")
    search_fields = ("subject", "user__email")
    raw_id_fields = ("user",)
