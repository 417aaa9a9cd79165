"""Django settings of the e-procurement party (see ``punchin.web.settings_base``).

Punch-in settings, each from the environment where a deployment needs to change it:

``PUNCHIN_TRUSTED_PROXIES``  comma-separated IP addresses of the TLS-terminating proxies
    whose forwarded client certificate is believed (certificate auth); empty by default,
    so a forged header from anyone else is ignored (docs/security.md row 13).
``PUNCHIN_PUBLIC_URL``  the site's external base URL for StartPage links; when empty
    the URL is built from the request's scheme and host.
"""

from __future__ import annotations

import os

from punchin.web.settings_base import DJANGO_APPS, authentication_backends, base_settings

_base = base_settings("procurement", "punchin.procurement")
globals().update(_base)

INSTALLED_APPS = [
    *DJANGO_APPS,
    "punchin.procurement.site",
    "punchin.procurement.accounts",
    "punchin.procurement.sso",
    "punchin.procurement.partners",
    "punchin.procurement.documents",
    "punchin.procurement.requisitions",
    "punchin.procurement.punchin",
    "punchin.procurement.punchout",
    "punchin.procurement.approvals",
    "punchin.procurement.orders",
    "punchin.procurement.spend",
]

AUTHENTICATION_BACKENDS = authentication_backends(
    "punchin.procurement.accounts.backends.EmailBackend"
)
AXES_LOCKOUT_TEMPLATE = "procurement/locked_out.html"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "requisitions:list"
LOGOUT_REDIRECT_URL = "accounts:login"

# --- Single sign-on (punchin.procurement.sso) ---------------------------------------
# Sessions that an identity provider opened are recorded under this backend.
AUTHENTICATION_BACKENDS += ["punchin.procurement.sso.backends.SingleSignOnBackend"]
# djangosaml2 keeps the SAML exchange in a session cookie of its own, which the IdP's
# cross-site POST to the Assertion Consumer Service must carry: SameSite=None needs
# Secure, so plain-http development (the demo, tests on loopback) uses Lax instead.
MIDDLEWARE = [*_base["MIDDLEWARE"], "djangosaml2.middleware.SamlSessionMiddleware"]
SAML_SESSION_COOKIE_NAME = "procurement_saml_session"
SAML_SESSION_COOKIE_SAMESITE = "None" if _base.get("SESSION_COOKIE_SECURE") else "Lax"
# The site's own Content-Security-Policy covers the SAML views; djangosaml2 adds none.
SAML_CSP_HANDLER = ""
# Clocks of our server and the identity provider may differ by this much.
PUNCHIN_SSO_CLOCK_SKEW_SECONDS = 60
# ------------------------------------------------------------------------------------

# Whole request bodies, enforced by ``punchin.web.asgi.BodyLimit`` before Django reads
# them: a PunchOutSetupRequest is a few kilobytes; a Punch-in cart is fetched, but a
# PunchOut cart comes in the browser's form, Base64 (a third larger) or URL-encoded.
PUNCHIN_MAX_BODY_BYTES = 4 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = PUNCHIN_MAX_BODY_BYTES

PUNCHIN_TRUSTED_PROXIES = [
    ip.strip() for ip in os.environ.get("PUNCHIN_TRUSTED_PROXIES", "").split(",") if ip.strip()
]
PUNCHIN_PUBLIC_URL = os.environ.get("PUNCHIN_PUBLIC_URL", "").rstrip("/")

# The PoomUrl answers for 60 seconds (P19); the whole fetch must end well inside it.
PUNCHIN_POOM_DEADLINE_SECONDS = 20.0
PUNCHIN_POOM_MAX_BYTES = 10 * 1024 * 1024
PUNCHIN_POOM_MAX_LINES = 1000
# A PunchOutSetupRequest whose timestamp is further than this from our clock is refused
# (docs/security.md row 12); the PoomUrl it points at would have expired long ago anyway.
PUNCHIN_TIMESTAMP_TOLERANCE_SECONDS = 3600
PUNCHIN_START_PAGE_TTL_SECONDS = 300
# How long the page a test Punch-in's StartPage opens can be seen (docs/test-mode.md).
PUNCHIN_TEST_PAGE_TTL_SECONDS = 3600
# Classic PunchOut (punchin.procurement.punchout): how long the supplier waits for our
# answer to its setup request, and how long a shopping session may take until its
# cart comes back (it is refused after that).
PUNCHIN_PUNCHOUT_SETUP_TIMEOUT = 20.0
PUNCHIN_PUNCHOUT_SESSION_SECONDS = 2 * 3600
# A CA bundle for fetching PoomUrls instead of the system's (tests, private CAs).
PUNCHIN_CA_FILE = os.environ.get("PUNCHIN_CA_FILE") or None

# Outbound documents (StatusUpdateRequest, OrderRequest) go through the durable queue;
# how to reach a supplier partner is registered by punchin.procurement.partners.
# The staff pages of the queue (/deliveries/) in the site's own layout and navigation.
PUNCHIN_DELIVERY_BASE_TEMPLATE = "procurement/base.html"
DEFAULT_FROM_EMAIL = os.environ.get("PUNCHIN_FROM_EMAIL", "procurement@punchin.invalid")

# Three-way match tolerances are per organisation: orders.models.MatchTolerance (admin).
