"""Procurement's navigation: each entry shows exactly when the role its page requires
admits the user (punchin.web.roles), so every role sees what it can use."""

from __future__ import annotations

from punchin.procurement.accounts.roles import APPROVER, FINANCE, PROCUREMENT_ADMIN, REQUESTER
from punchin.web.roles import ADMINISTRATION, STAFF, Link

LINKS = (
    Link("My requisitions", "requisitions:list", REQUESTER, "nav-requisitions"),
    Link("Shop at suppliers", "punchout:shop", REQUESTER, "nav-shop"),
    Link("Approvals", "approvals:queue", APPROVER, "nav-approvals"),
    Link("Purchase orders", "orders:list", REQUESTER, "nav-orders"),
    Link("Reconciliation", "orders:reconciliation", FINANCE, "nav-reconciliation"),
    Link("Spend", "spend:overview", FINANCE, "nav-spend"),
    Link("Supplier partners", "partners:settings", PROCUREMENT_ADMIN, "nav-partners"),
    Link("PunchOut catalogs", "punchout:suppliers", PROCUREMENT_ADMIN, "nav-punchout-catalogs"),
    Link("Buying policy", "approvals:policy", PROCUREMENT_ADMIN, "nav-policy"),
    Link("Single sign-on", "sso:settings", PROCUREMENT_ADMIN, "nav-sso"),
    Link("Deliveries", "delivery:list", STAFF, "nav-deliveries"),
    Link("Admin", "admin:index", ADMINISTRATION, "nav-admin"),
)
