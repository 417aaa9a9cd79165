"""A minimal Django project for the delivery layer's tests: the shared base settings,
Django's own apps and the delivery app, with small timings so retries take
milliseconds. Worker subprocesses use it too; ``PUNCHIN_DELIVERY_TEST_DB`` points them
at the test database the pytest process created.
"""

from __future__ import annotations

import os

from punchin.web.settings_base import DJANGO_APPS, base_settings

_base = base_settings("delivery-tests", "tests.delivery")
globals().update(_base)

INSTALLED_APPS = [*DJANGO_APPS, "tests.delivery.apps.DeliveryTestsConfig"]

_db = _base["DATABASES"]["default"]
if not _db["ENGINE"].endswith("postgresql"):
    # Worker subprocesses share the database: a file (WAL), never in-memory.
    _db["TEST"] = {"NAME": str(_base["DATA_DIR"] / "delivery-tests-test.sqlite3")}
else:
    # Apart from the parties' test database, so their suites can run at the same time.
    _db["TEST"] = {"NAME": "test_delivery"}
    _db["CONN_MAX_AGE"] = 0
if os.environ.get("PUNCHIN_DELIVERY_TEST_DB"):
    _db["NAME"] = os.environ["PUNCHIN_DELIVERY_TEST_DB"]

# The worker subprocesses run Django's system checks, which want a key outside
# development: a fixed one, shared with them (punchin.web.encryption).
PUNCHIN_SECRET_KEYS = ["XdvO9_7mIwTKWOeh_-HcfE6Npv6pUIL8toRcCUt6WsE="]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
PUNCHIN_DELIVERY_BACKOFF = 0.05
PUNCHIN_DELIVERY_BACKOFF_CAP = 0.4
PUNCHIN_DELIVERY_TIMEOUT = 2.0
PUNCHIN_DELIVERY_LEASE_MARGIN = 0.5
PUNCHIN_DELIVERY_HORIZON = 60.0
