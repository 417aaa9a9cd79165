from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString

from punchin.storefront.integration.models import PurchasingSystem


@admin.register(PurchasingSystem)
class PurchasingSystemAdmin(admin.ModelAdmin):
    list_display = (
        "account",
        "system",
        "endpoint_url",
        "auth_scheme",
        "deployment_mode",
        "health",
    )
    list_filter = ("system", "auth_scheme", "deployment_mode")
    # Secrets are never shown back, also not to staff.
    exclude = ("basic_password", "bearer_token", "shared_secret", "inbound_shared_secret")
    readonly_fields = ("client_cert_file", "client_key_file", "updated_at")

    @admin.display(description="integration health")
    def health(self, obj: PurchasingSystem) -> SafeString:
        return format_html('<a href="{}">health</a>', reverse("integration:health", args=[obj.pk]))
