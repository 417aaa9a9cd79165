"""Django settings of the e-procurement party (see ``punchin.web.settings_base``).

Punch-in settings, each from the environment where a deployment needs to change it:

``PUNCHIN_TRUSTED_PROXIES``  comma-separated IP addresses of the TLS-terminating proxies
    whose forwarded client certificate is believed (certificate auth); empty by default,
    so a forged header from anyone else is ignored (SECURITY.md row 13).
``PUNCHIN_PUBLIC_URL``  the site's external base URL for StartPage links; when empty
    the URL is built from the request's scheme and host.
"""

from __future__ import annotations

import os

from punchin.web.settings_base import DJANGO_APPS, base_settings

_base = base_settings("procurement", "punchin.procurement")
globals().update(_base)

INSTALLED_APPS = [
    *DJANGO_APPS,
    "punchin.procurement.site",
    "punchin.procurement.accounts",
    "punchin.procurement.partners",
    "punchin.procurement.documents",
    "punchin.procurement.requisitions",
    "punchin.procurement.punchin",
]

# Tests that serve the site over real HTTP reach the database from several threads:
# a file database keeps SQLite's locking (busy timeout, WAL) as in production, where an
# in-memory shared-cache one fails concurrent writers at once.
_default_db = _base["DATABASES"]["default"]
if _default_db["ENGINE"] == "django.db.backends.sqlite3":
    _default_db["TEST"] = {"NAME": str(_base["DATA_DIR"] / "test-procurement.sqlite3")}
else:
    # Under ASGI each request's sync work runs in a thread of its own, so a persistent
    # connection is never reused and leaks when the thread ends; Django's docs say to
    # disable persistent connections under ASGI.
    _default_db["CONN_MAX_AGE"] = 0

# WhiteNoise serves the apps' static files without a collectstatic step (the demo),
# and STATIC_ROOT exists so it does not warn when nothing was collected yet.
WHITENOISE_USE_FINDERS = True
_base["STATIC_ROOT"].mkdir(parents=True, exist_ok=True)

AUTHENTICATION_BACKENDS = ["punchin.procurement.accounts.backends.EmailBackend"]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "requisitions:list"
LOGOUT_REDIRECT_URL = "accounts:login"

# Whole request bodies, enforced by ``punchin.web.asgi.BodyLimit`` before Django reads
# them: a PunchOutSetupRequest is a few kilobytes; the cart is fetched, not posted.
PUNCHIN_MAX_BODY_BYTES = 1024 * 1024
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
# (SECURITY.md row 12); the PoomUrl it points at would have expired long ago anyway.
PUNCHIN_TIMESTAMP_TOLERANCE_SECONDS = 3600
# How long a copy of a payloadID that is still being processed waits for the first
# copy's answer before answering 500 so the supplier retries (SECURITY.md row 11).
PUNCHIN_INFLIGHT_WAIT_SECONDS = 5.0
# A claim older than this belongs to a process that died mid-request: take it over.
PUNCHIN_STALE_CLAIM_SECONDS = 120
PUNCHIN_START_PAGE_TTL_SECONDS = 300
# A CA bundle for fetching PoomUrls instead of the system's (tests, private CAs).
PUNCHIN_CA_FILE = os.environ.get("PUNCHIN_CA_FILE") or None
