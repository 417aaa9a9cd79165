from django.contrib import admin

from punchin.storefront.punchout.models import PunchOutSession


@admin.register(PunchOutSession)
class PunchOutSessionAdmin(admin.ModelAdmin):
    """Sessions move only through their state machine, never by hand."""

    list_display = ("pk", "created_at", "system", "protocol", "operation", "user_email", "state")
    list_filter = ("state", "protocol", "operation")
    search_fields = ("user_email", "buyer_cookie")
    exclude = ("start_digest", "key")

    def has_change_permission(self, request: object, obj: object = None) -> bool:
        return False
