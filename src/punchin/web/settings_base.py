"""Settings both Django projects start from; each party's ``settings.py`` adds its apps.

Everything a deployment changes comes from the environment:

``PUNCHIN_DATA_DIR``  where the SQLite database and the generated secret key live.
``DATABASE_URL``      a PostgreSQL (or other) database instead of SQLite; a
                      ``sqlite:///path`` gets the same SQLite settings as the default.
``PUNCHIN_DEV``       "1" allows plain http to loopback partners (the demo, tests).
``PUNCHIN_ALLOWED_HOSTS`` comma-separated host names (default: loopback names).
``PUNCHIN_DEBUG``     "1" turns on Django's debug pages (never for partner-facing use).
``PUNCHIN_HTTPS``     "1" behind a TLS-terminating proxy: secure cookies, HSTS, https
                      redirects. The scheme comes from uvicorn's ``--proxy-headers``,
                      which believes only ``--forwarded-allow-ips`` (deploy/README.md).
``PUNCHIN_SECRET_KEYS`` comma-separated Fernet keys that encrypt partners' secrets at
                      rest: the first encrypts, all decrypt (``punchin.web.encryption``).
                      Required outside PUNCHIN_DEV/PUNCHIN_DEBUG; unset there, a key
                      derived from the secret key stands in.
``PUNCHIN_PG_PREPARED`` "0" turns PostgreSQL's prepared statements off (for a pooler
                      in transaction mode); on by default.
``PUNCHIN_METRICS_TOKEN`` the bearer token Prometheus presents at ``/metrics``
                      (unset: loopback clients under PUNCHIN_DEV only);
                      ``PUNCHIN_METRICS=0`` stops counting (``punchin.web.metrics``).
``PUNCHIN_LOG_FORMAT`` "text" for plain log lines; JSON lines otherwise, each with the
                      payloadID at work (``punchin.web.logs``).
``PUNCHIN_DELIVERY_HORIZON``, ``_BACKOFF``, ``_BACKOFF_CAP``, ``_TIMEOUT``, ``_LEASE_MARGIN``
                      seconds, the outbound queue's retry timings (docs/delivery.md);
                      unset, the queue's defaults apply (a 24 h horizon).
"""

from __future__ import annotations

import os
import secrets
from datetime import timedelta
from pathlib import Path
from typing import Any

import dj_database_url
from csp.constants import NONCE, NONE, SELF

from punchin.web.logs import logging_config


def data_dir() -> Path:
    path = Path(os.environ.get("PUNCHIN_DATA_DIR", "data")).resolve()
    path.mkdir(parents=True, exist_ok=True)
    return path


def _secret_key(directory: Path, party: str) -> str:
    """A key generated once per data directory, so restarts keep sessions valid."""
    configured = os.environ.get("PUNCHIN_SECRET_KEY")
    if configured:
        return configured
    path = directory / f"{party}.secret"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


def _database(directory: Path, party: str) -> dict[str, Any]:
    url = os.environ.get("DATABASE_URL")
    if not url:
        return _sqlite(directory / f"{party}.sqlite3", directory / f"test-{party}.sqlite3")
    # Requests' database work runs on a fixed set of threads (punchin.web.lanes),
    # each keeping its connection: persistent connections, a pool by construction.
    database = dj_database_url.parse(url, conn_max_age=None)
    if database["ENGINE"].endswith("sqlite3"):  # the same SQLite as without the URL
        name = Path(database["NAME"])
        return _sqlite(name, name.with_name(f"test-{name.name}"))
    if (
        database["ENGINE"].endswith("postgresql")
        and os.environ.get("PUNCHIN_PG_PREPARED", "1") != "0"
    ):
        # Kept connections can keep prepared statements: PostgreSQL parses and
        # plans a hot statement once per connection (docs/performance.md). Set
        # PUNCHIN_PG_PREPARED=0 behind a pooler that shares server connections
        # between transactions (PgBouncer's transaction mode).
        options = database.setdefault("OPTIONS", {})
        options.update(server_side_binding=True, prepare_threshold=2)
    return database


def _sqlite(name: Path, test_name: Path) -> dict[str, Any]:
    return {
        "ENGINE": "punchin.web.sqlite",  # Django's, one rewrite cached (its module)
        "NAME": name,
        "CONN_MAX_AGE": None,  # kept by its lane (punchin.web.lanes), as for PostgreSQL
        # WAL lets readers work beside the one writer; IMMEDIATE takes the write lock
        # up front so concurrent transactions wait instead of failing to upgrade.
        "OPTIONS": {
            "timeout": 30,
            "transaction_mode": "IMMEDIATE",
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        },
        # Tests serve the site from a live server thread while the test writes: a file
        # database (WAL) takes concurrent connections, an in-memory shared cache does not.
        "TEST": {"NAME": test_name},
    }


def _https_settings() -> dict[str, Any]:
    """Production behind nginx: cookies never travel in clear, browsers stay on https."""
    return {
        "SESSION_COOKIE_SECURE": True,
        "CSRF_COOKIE_SECURE": True,
        "SECURE_HSTS_SECONDS": 31_536_000,
        "SECURE_HSTS_INCLUDE_SUBDOMAINS": True,
        "SECURE_SSL_REDIRECT": True,
        "SECURE_REDIRECT_EXEMPT": [r"^cxml/"],  # partners get a cXML answer, not a 301
    }


def _list(value: str) -> list[str]:
    """A comma-separated variable's items, blanks dropped."""
    return [item.strip() for item in value.split(",") if item.strip()]


DELIVERY_TIMINGS = ("HORIZON", "BACKOFF", "BACKOFF_CAP", "TIMEOUT", "LEASE_MARGIN")


def _delivery_timings() -> dict[str, float]:
    """The retry timings a deployment sets in the environment (the web process that
    enqueues and the worker that sends must agree, so both read the same variables)."""
    names = (f"PUNCHIN_DELIVERY_{name}" for name in DELIVERY_TIMINGS)
    return {name: float(os.environ[name]) for name in names if os.environ.get(name)}


def content_security_policy(dev: bool) -> dict[str, Any]:
    """What a page may load and where its forms may go (docs/security.md row 23).

    Scripts and styles come from this site only: no inline script, no style attribute
    (the spend charts' ``<style>`` carries the page's nonce). ``form-action`` cannot be
    'self' alone: a PunchOut page posts the cart to the partner's BrowserFormPost URL
    and a sign-in or Punch-in form may be redirected to the partner's StartPage, both
    on hosts only the partner configuration knows. So forms may go to any https URL,
    and plain http only where http partners are allowed at all (``PUNCHIN_DEV``);
    ``javascript:`` and ``data:`` targets stay refused. Product images may come from
    the shop's https image host (``Product.image_url``).
    """
    schemes = ["https:", "http:"] if dev else ["https:"]
    return {
        "DIRECTIVES": {
            "default-src": [SELF],
            "script-src": [SELF],
            "style-src": [SELF, NONCE],
            "img-src": [SELF, "https:"],
            "object-src": [NONE],
            "base-uri": [NONE],
            "frame-ancestors": [NONE],
            "form-action": [SELF, *schemes],
        }
    }


def authentication_backends(party_backend: str) -> list[str]:
    """axes' backend first: it refuses a locked-out login before ``party_backend``
    checks the password (punchin.web.logins)."""
    return ["axes.backends.AxesStandaloneBackend", party_backend]


def _login_throttle() -> dict[str, Any]:
    """django-axes, as ``punchin.web.logins`` explains: 5 failures for one account from
    one address, or 50 from one address over all accounts, lock for 15 minutes."""
    return {
        "AUTHENTICATION_BACKENDS": authentication_backends("punchin.web.sessions.UserBackend"),
        "AXES_HANDLER": "punchin.web.logins.LoginThrottle",
        # One count per entry, in this order (LoginThrottle.get_failures relies on it).
        "AXES_LOCKOUT_PARAMETERS": [["username", "ip_address"], "ip_address"],
        "AXES_FAILURE_LIMIT": 5,
        "PUNCHIN_LOGIN_CLIENT_FAILURE_LIMIT": 50,
        "AXES_COOLOFF_TIME": timedelta(minutes=15),
        "AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT": False,
        "AXES_RESET_ON_SUCCESS": False,
        "AXES_USERNAME_CALLABLE": "punchin.web.logins.username",
        # Failed attempts are what the throttle needs; no diary of successful logins.
        "AXES_DISABLE_ACCESS_LOG": True,
        "AXES_HTTP_RESPONSE_CODE": 429,
        # The address uvicorn reports: with --proxy-headers it believes X-Forwarded-For
        # only from --forwarded-allow-ips (deploy/README.md), so clients cannot forge it.
        "AXES_IPWARE_META_PRECEDENCE_ORDER": ["REMOTE_ADDR"],
    }


def base_settings(party: str, package: str) -> dict[str, Any]:
    """The shared defaults for party ``party`` whose Django project is ``package``."""
    directory = data_dir()
    debug = os.environ.get("PUNCHIN_DEBUG") == "1"
    dev = os.environ.get("PUNCHIN_DEV") == "1"
    hosts = os.environ.get("PUNCHIN_ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]")
    static_root = directory / f"{party}-static"
    static_root.mkdir(exist_ok=True)  # WhiteNoise warns about a missing STATIC_ROOT
    return {
        "PUNCHIN_PARTY": party,
        "PUNCHIN_DEV": dev,
        "DATA_DIR": directory,
        "SECRET_KEY": _secret_key(directory, party),
        "PUNCHIN_SECRET_KEYS": _list(os.environ.get("PUNCHIN_SECRET_KEYS", "")),
        "PUNCHIN_METRICS_TOKEN": os.environ.get("PUNCHIN_METRICS_TOKEN", ""),
        "DEBUG": debug,
        "ALLOWED_HOSTS": _list(hosts),
        "ROOT_URLCONF": f"{package}.urls",
        "ASGI_APPLICATION": f"{package}.asgi.application",
        "DATABASES": {"default": _database(directory, party)},
        "DEFAULT_AUTO_FIELD": "django.db.models.BigAutoField",
        "USE_TZ": True,
        "TIME_ZONE": "UTC",
        "LANGUAGE_CODE": "en-us",
        "STATIC_URL": "/static/",
        "STATIC_ROOT": static_root,
        # WhiteNoise serves the apps' static files without a collectstatic step too.
        "WHITENOISE_USE_FINDERS": True,
        "SESSION_COOKIE_NAME": f"{party}_session",
        # Django's database sessions, read by a prepared statement (punchin.web.sessions).
        "SESSION_ENGINE": "punchin.web.sessions",
        "CSRF_COOKIE_NAME": f"{party}_csrftoken",
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_HTTPONLY": True,
        "X_FRAME_OPTIONS": "DENY",
        "CONTENT_SECURITY_POLICY": content_security_policy(dev),
        **_login_throttle(),
        **(_https_settings() if os.environ.get("PUNCHIN_HTTPS") == "1" else {}),
        "SECURE_CONTENT_TYPE_NOSNIFF": True,
        "DATA_UPLOAD_MAX_MEMORY_SIZE": 10 * 1024 * 1024,
        "EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend",
        # Outbound documents are queued in the party's own database, in the same
        # transaction as the change that sends them (docs/delivery.md).
        "TASKS": {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}},
        **_delivery_timings(),
        # The inbound pipeline (punchin.web.inbound): how long a copy of a payloadID
        # still being processed waits for the first copy's answer before answering 500
        # so the sender retries (docs/security.md row 11), and the lease of a claim in
        # flight: renewed by a live holder every third of it, so one that runs out was
        # left by a process that died mid-request and is taken over. The storefront
        # retries a punch-in for about 17 s (3 attempts, backoff 2 s doubling): a dead
        # claim must be free well before that.
        "PUNCHIN_INFLIGHT_WAIT_SECONDS": 5.0,
        "PUNCHIN_CLAIM_LEASE_SECONDS": 6.0,
        # Records of requests whose sender is unknown, kept per hour (inbound.within_quota).
        "PUNCHIN_UNAUTHENTICATED_LOG_PER_HOUR": {
            "per_sender": 200,
            "per_address": 200,
            "overall": 2000,
        },
        "MIDDLEWARE": [
            "django.middleware.security.SecurityMiddleware",
            "csp.middleware.CSPMiddleware",
            "punchin.web.staticfiles.StaticFilesMiddleware",
            "django.contrib.sessions.middleware.SessionMiddleware",
            "django.middleware.common.CommonMiddleware",
            "django.middleware.csrf.CsrfViewMiddleware",
            "django.contrib.auth.middleware.AuthenticationMiddleware",
            "django.contrib.messages.middleware.MessageMiddleware",
            "django.middleware.clickjacking.XFrameOptionsMiddleware",
            # Last: turns a lockout into the party's lockout page (AXES_LOCKOUT_TEMPLATE).
            "axes.middleware.AxesMiddleware",
        ],
        "TEMPLATES": [
            {
                "BACKEND": "django.template.backends.django.DjangoTemplates",
                "DIRS": [],
                "APP_DIRS": True,
                "OPTIONS": {
                    # {% load links %}: partner URLs become links only when http(s).
                    "libraries": {"links": "punchin.web.links"},
                    "context_processors": [
                        "django.template.context_processors.request",
                        "django.contrib.auth.context_processors.auth",
                        "django.contrib.messages.context_processors.messages",
                    ],
                },
            }
        ],
        "LOGGING": logging_config(text=os.environ.get("PUNCHIN_LOG_FORMAT") == "text"),
    }


DJANGO_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    # The durable outbound queue both parties use (punchin.web.delivery).
    "django_tasks",
    "django_tasks_db",
    # Secrets at rest (punchin.web.encryption): the key check, rotate_secret_keys.
    "punchin.web.encryption",
    "punchin.web.delivery",
    # Integration health pages (punchin.web.health): templates only, no models.
    "punchin.web.health",
    # Shared static files (the document log admin's stylesheet); no models.
    "punchin.web",
    "csp",
    # Login throttling (punchin.web.logins); its admin lists and clears lockouts.
    "axes",
]
