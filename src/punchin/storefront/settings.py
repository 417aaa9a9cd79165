"""Django settings of the storefront; deployment values come from the environment.

Besides ``punchin.web.settings_base``'s variables:

``PUNCHIN_MARKETPLACE``     the marketplace this site serves ("US", "UK", "DE", ...); it
                            decides the wording of the add button (P2).
``PUNCHIN_STORE_NAME``      the store's name, sent as ``<store> PunchIn 1.0`` (P20).
``PUNCHIN_PUBLIC_URL``      the site's external base URL for PoomUrls and product links
                            (default: taken from each request).
``PUNCHIN_POOM_TTL``        seconds a PoomUrl answers the cart (P19; default 60).
``PUNCHIN_SETUP_ATTEMPTS``  how many times a PunchOutSetupRequest is sent before giving up
                            on 500s, timeouts and connection errors (P23; default 3).
``PUNCHIN_SETUP_BACKOFF``   seconds before the first retry, doubled each time (default 2).
``PUNCHIN_CA_FILE``         a CA bundle to trust instead of the system's (tests, private CAs).
``PUNCHIN_SETUP_TIMEOUT``   seconds to wait for one PunchOutSetupResponse (default 20).
``PUNCHIN_PUNCHOUT_START_TTL`` seconds a PunchOut StartPage link works, once (default 300).
``PUNCHIN_SALES_TAX_PERCENT`` the sales tax checkout estimates, in percent of the lines
                            ("6.25"); unset, checkout shows no estimate (docs/checkout.md).
"""

from __future__ import annotations

import os
from decimal import Decimal, InvalidOperation
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

from punchin.web.settings_base import DJANGO_APPS, base_settings

_HERE = Path(__file__).resolve().parent
_BASE = base_settings("storefront", "punchin.storefront")
_BASE["TEMPLATES"][0]["DIRS"] = [_HERE / "templates"]
_BASE["TEMPLATES"][0]["OPTIONS"]["context_processors"] += [
    "punchin.storefront.integration.context_processors.purchasing_system",
    "punchin.storefront.cart.context_processors.cart",
    "punchin.storefront.punchout.context_processors.punchout",
]
globals().update(_BASE)

INSTALLED_APPS = [
    *DJANGO_APPS,
    "punchin.storefront.accounts",
    "punchin.storefront.catalog",
    "punchin.storefront.cart",
    "punchin.storefront.integration",
    "punchin.storefront.documents",
    "punchin.storefront.submissions",
    "punchin.storefront.orders",
    "punchin.storefront.punchout",
]
STATICFILES_DIRS = [_HERE / "static"]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "catalog:home"
LOGOUT_REDIRECT_URL = "login"
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
# A refused form in the site's layout (errors/page.html), with a way back.
CSRF_FAILURE_VIEW = "punchin.web.errors.csrf_failure"

PUNCHIN_MARKETPLACE = os.environ.get("PUNCHIN_MARKETPLACE", "US").upper()
PUNCHIN_STORE_NAME = os.environ.get("PUNCHIN_STORE_NAME", "Punchin Store")
PUNCHIN_PUBLIC_URL = os.environ.get("PUNCHIN_PUBLIC_URL", "").rstrip("/")
PUNCHIN_POOM_TTL = int(os.environ.get("PUNCHIN_POOM_TTL", "60"))
PUNCHIN_SETUP_ATTEMPTS = int(os.environ.get("PUNCHIN_SETUP_ATTEMPTS", "3"))
PUNCHIN_SETUP_BACKOFF = float(os.environ.get("PUNCHIN_SETUP_BACKOFF", "2"))
PUNCHIN_SETUP_TIMEOUT = float(os.environ.get("PUNCHIN_SETUP_TIMEOUT", "20"))
PUNCHIN_CA_FILE = os.environ.get("PUNCHIN_CA_FILE") or None
PUNCHIN_PUNCHOUT_START_TTL = int(os.environ.get("PUNCHIN_PUNCHOUT_START_TTL", "300"))
PUNCHIN_MAX_BODY_BYTES = 10 * 1024 * 1024
# The staff pages of the queue (/deliveries/) in the site's own layout and navigation.
PUNCHIN_DELIVERY_BASE_TEMPLATE = "storefront/base.html"


def _percent(name: str) -> Decimal | None:
    """A percentage from the environment, 0 to 100 with at most three decimals."""
    raw = os.environ.get(name, "").strip()
    if not raw:
        return None
    try:
        value = Decimal(raw)
    except InvalidOperation:
        value = Decimal("NaN")
    if not value.is_finite() or not 0 <= value <= 100 or value != value.quantize(Decimal("0.001")):
        raise ImproperlyConfigured(
            f"{name} must be a percentage from 0 to 100 with at most three decimals, "
            f"e.g. 6.25; it is {raw[:20]!r}"
        )
    return value


PUNCHIN_SALES_TAX_PERCENT = _percent("PUNCHIN_SALES_TAX_PERCENT")
