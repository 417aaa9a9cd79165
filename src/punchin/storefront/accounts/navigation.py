"""The storefront's navigation: each entry shows exactly when the role its page
requires admits the user (punchin.web.roles), so every role sees what it can use."""

from __future__ import annotations

from punchin.storefront.accounts.roles import ACCOUNT_ADMIN, BUYER, STORE_STAFF
from punchin.web.roles import ADMINISTRATION, STAFF, Link

CART = "nav-cart"  # the template adds the cart's noun and count (P2)

LINKS = (
    Link("Account", "account", BUYER, "nav-account"),
    Link("Orders", "submissions:history", BUYER, "nav-orders"),
    Link("Business Settings", "integration:business_settings", ACCOUNT_ADMIN, "nav-settings"),
    Link("Store orders", "orders:staff_list", STORE_STAFF, "nav-staff-orders"),
    Link("Deliveries", "delivery:list", STAFF, "nav-deliveries"),
    Link("Admin", "admin:index", ADMINISTRATION, "nav-admin"),
    Link("Cart", "cart:cart", BUYER, CART),
)
