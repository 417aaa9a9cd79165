from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest

from .models import DeliveryAttempt, OutboundDelivery
from .outbox import retry_now
from .states import State


class AttemptInline(admin.TabularInline):
    model = DeliveryAttempt
    extra = 0
    can_delete = False
    fields = ("number", "started_at", "elapsed", "outcome", "http_status", "status_code", "error")
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(OutboundDelivery)
class OutboundDeliveryAdmin(admin.ModelAdmin):
    list_display = (
        "payload_id",
        "document_type",
        "partner",
        "state",
        "attempts",
        "last_status_code",
        "next_attempt_at",
        "created_at",
    )
    list_filter = ("state", "document_type", "partner_key")
    search_fields = ("payload_id", "partner_key", "partner_name", "reason")
    # The raw bytes carry the partner's SharedSecret: staff read ``text``, redacted.
    exclude = ("raw", "answer")
    readonly_fields = (
        *(f.name for f in OutboundDelivery._meta.fields if f.name not in {"raw", "answer"}),
        "text",
        "answer_text",
    )
    inlines = (AttemptInline,)
    actions = ("retry_selected",)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    @admin.action(description="Retry now (deliveries that need attention)")
    def retry_selected(self, request: HttpRequest, queryset: QuerySet[OutboundDelivery]) -> None:
        ids = queryset.filter(state=State.NEEDS_ATTENTION).values_list("pk", flat=True)
        retried = sum(retry_now(pk) is not None for pk in ids)
        self.message_user(request, f"{retried} deliveries queued again.", messages.SUCCESS)
