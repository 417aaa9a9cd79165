from django.contrib import admin

from punchin.procurement.approvals.models import (
    ApprovalLevel,
    ApprovalStep,
    CategoryRule,
    SupplierLimit,
)


@admin.register(ApprovalLevel)
class ApprovalLevelAdmin(admin.ModelAdmin):
    list_display = ("organisation", "sequence", "name", "cost_centre", "currency", "min_amount")
    list_filter = ("organisation",)
    filter_horizontal = ("approvers",)


@admin.register(CategoryRule)
class CategoryRuleAdmin(admin.ModelAdmin):
    list_display = ("organisation", "segment", "action", "reason")
    list_filter = ("organisation", "action")
    filter_horizontal = ("approvers",)


@admin.register(SupplierLimit)
class SupplierLimitAdmin(admin.ModelAdmin):
    list_display = ("organisation", "supplier", "limit", "action")
    list_filter = ("organisation", "action")
    filter_horizontal = ("approvers",)


@admin.register(ApprovalStep)
class ApprovalStepAdmin(admin.ModelAdmin):
    """Read-only: steps change only through approvals.services (the guarded path)."""

    list_display = ("requisition", "sequence", "name", "state", "decided_by", "decided_at")
    list_filter = ("state",)
    search_fields = ("requisition__number",)

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False
