from django.contrib import admin

from punchin.storefront.submissions.models import Attempt, Poom, PunchInSubmission


class AttemptInline(admin.TabularInline):
    model = Attempt
    extra = 0
    can_delete = False
    readonly_fields = (
        "number",
        "started_at",
        "finished_at",
        "http_status",
        "status_code",
        "status_text",
        "error",
        "response",
    )

    def has_add_permission(self, request: object, obj: object = None) -> bool:
        return False


@admin.register(PunchInSubmission)
class PunchInSubmissionAdmin(admin.ModelAdmin):
    """Submissions move only through their state machine, never by hand."""

    list_display = ("pk", "created_at", "user", "account", "state", "attempts", "payload_id")
    list_filter = ("state", "account")
    search_fields = ("payload_id", "user__username")
    inlines = (AttemptInline,)

    def has_change_permission(self, request: object, obj: object = None) -> bool:
        return False


@admin.register(Poom)
class PoomAdmin(admin.ModelAdmin):
    list_display = ("document", "expires_at", "fetch_count", "last_fetched_at")
    exclude = ("token",)  # the PoomUrl's only protection

    def has_change_permission(self, request: object, obj: object = None) -> bool:
        return False
