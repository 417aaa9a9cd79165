from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString

from punchin.procurement.partners.forms import (
    CertificatePinForm,
    SharedSecretForm,
    SupplierPartnerForm,
)
from punchin.procurement.partners.models import CertificatePin, SharedSecret, SupplierPartner


class SharedSecretInline(admin.TabularInline):
    model = SharedSecret
    form = SharedSecretForm
    extra = 0


class CertificatePinInline(admin.TabularInline):
    model = CertificatePin
    form = CertificatePinForm
    extra = 0


@admin.register(SupplierPartner)
class SupplierPartnerAdmin(admin.ModelAdmin):
    form = SupplierPartnerForm
    list_display = ("name", "organisation", "sender_identity", "auth_scheme", "active", "health")
    list_filter = ("auth_scheme", "active")
    search_fields = ("name", "sender_identity", "from_identity")
    inlines = (SharedSecretInline, CertificatePinInline)

    @admin.display(description="integration health")
    def health(self, obj: SupplierPartner) -> SafeString:
        return format_html('<a href="{}">health</a>', reverse("partners:health", args=[obj.pk]))

    fieldsets = (
        (None, {"fields": ("name", "organisation", "active")}),
        ("cXML identities", {"fields": ("credential_domain", "from_identity", "sender_identity")}),
        (
            "Authentication at our Punch-in endpoint (basic, bearer or client certificate)",
            {"fields": ("auth_scheme", "basic_user_id", "basic_password", "bearer_token")},
        ),
        ("Carts: the hosts and ports a PoomUrl may point to", {"fields": ("allowed_poom_hosts",)}),
        ("Reading their documents", {"fields": ("reading_policy",)}),
        (
            "Writing back to the supplier (approval decisions, purchase orders)",
            {
                "fields": (
                    "status_update_url",
                    "order_url",
                    "omit_optional_elements",
                    "buyer_identity",
                    "outbound_shared_secret",
                    "outbound_auth_scheme",
                    "outbound_user_id",
                    "outbound_password",
                    "outbound_bearer_token",
                )
            },
        ),
    )
