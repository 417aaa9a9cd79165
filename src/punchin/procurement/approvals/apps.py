from django.apps import AppConfig


class ApprovalsConfig(AppConfig):
    name = "punchin.procurement.approvals"
    label = "procurement_approvals"
    verbose_name = "Approval policies"
