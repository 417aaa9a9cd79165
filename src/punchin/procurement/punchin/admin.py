from django.contrib import admin

from punchin.procurement.punchin.models import PunchInRequest


@admin.register(PunchInRequest)
class PunchInRequestAdmin(admin.ModelAdmin):
    list_display = ("created_at", "partner", "payload_id", "state", "answer_http_status")
    list_filter = ("state", "partner")
    search_fields = ("payload_id",)
    readonly_fields = (
        "partner",
        "payload_id",
        "body_sha256",
        "state",
        "answer_http_status",
        "created_at",
        "answered_at",
    )
    exclude = ("answer",)

    def has_add_permission(self, request: object) -> bool:
        return False
