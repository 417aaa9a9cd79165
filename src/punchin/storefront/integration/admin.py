from django.contrib import admin

from punchin.storefront.integration.models import PurchasingSystem


@admin.register(PurchasingSystem)
class PurchasingSystemAdmin(admin.ModelAdmin):
    list_display = ("account", "system", "endpoint_url", "auth_scheme", "deployment_mode")
    list_filter = ("system", "auth_scheme", "deployment_mode")
    # Secrets are never shown back, also not to staff.
    exclude = ("basic_password", "bearer_token", "shared_secret")
    readonly_fields = ("client_cert_file", "client_key_file", "updated_at")
