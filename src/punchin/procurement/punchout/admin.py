from django.contrib import admin

from punchin.procurement.punchout.forms import PunchOutSupplierForm
from punchin.procurement.punchout.models import PunchOutSession, PunchOutSupplier


@admin.register(PunchOutSupplier)
class PunchOutSupplierAdmin(admin.ModelAdmin):
    form = PunchOutSupplierForm
    list_display = ("partner", "protocol", "enabled", "setup_url")
    list_filter = ("enabled", "protocol")


@admin.register(PunchOutSession)
class PunchOutSessionAdmin(admin.ModelAdmin):
    list_display = (
        "created_at",
        "supplier",
        "protocol",
        "user",
        "operation",
        "state",
        "requisition",
    )
    list_filter = ("state", "protocol", "operation", "supplier")
    search_fields = ("setup_payload_id", "user__email")
    readonly_fields = (
        "supplier",
        "protocol",
        "user",
        "operation",
        "requisition",
        "setup_payload_id",
        "state",
        "message",
        "created_at",
        "expires_at",
        "returned_at",
    )
    exclude = ("buyer_cookie", "token_digest")

    def has_add_permission(self, request: object) -> bool:
        return False
