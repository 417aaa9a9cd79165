"""The demo's shared facts: the credentials both parties are seeded with.

In real life each company types the other's identities and secrets into its own
configuration pages; in the demo both seeds read them from here so that the journey
works at once. Nothing outside the demo and the tests reads this module.
"""

from __future__ import annotations

CREDENTIAL_DOMAIN = "NetworkID"
STORE_NAME = "Punchin Demo Store"
STORE_IDENTITY = "PunchinDemoStore"
PROCUREMENT_IDENTITY = "AcmeProcurement"
SHARED_SECRET = "demo-shared-secret-7f3a"
ENDPOINT_USER = "demo-store"
ENDPOINT_PASSWORD = "demo-endpoint-password"
ORGANISATION = "Acme Corporation"

PASSWORD = "punchin-demo"
PUNCHIN_BUYER = "buyer@acme.example"
DIRECT_BUYER = "direct@acme.example"
STORE_ADMIN = "admin@acme.example"
APPROVER = "approver@acme.example"
PROCUREMENT_ADMIN = "procurement-admin@acme.example"
RECEIVING_DESK = "receiving@acme.example"
FULFILMENT_STAFF = "fulfilment@store.example"
STORE_STAFF_ADMIN = "staff-admin@store.example"  # the store's superuser: /admin/

# Single sign-on: procurement's Acme signs in at the demo's OpenID provider
# (punchin.idp), which knows this one person; the store knows them too.
SSO_BUYER = "sso@acme.example"
SSO_CLIENT_ID = "procurement-demo"
SSO_CLIENT_SECRET = "demo-sso-client-secret"
