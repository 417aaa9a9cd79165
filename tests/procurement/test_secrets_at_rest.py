"""Secrets at rest on procurement (docs/security.md row 28): a stolen database holds no
secret we present to suppliers in clear, keys rotate, a store's SharedSecret changes
without a gap, and nothing runs outside development without the keys."""

from __future__ import annotations

import importlib
import os
import subprocess
import sys
from datetime import timedelta
from io import StringIO
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from cryptography.fernet import Fernet
from django.apps import apps
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from punchin.cxml.punchout import ProfileRequest
from punchin.procurement.accounts.models import Organisation
from punchin.procurement.documents.models import CxmlDocument
from punchin.procurement.partners.delivery import SupplierTargets, partner_key
from punchin.procurement.partners.forms import SharedSecretForm
from punchin.procurement.partners.models import OutboundAuth, SharedSecret, SupplierPartner
from punchin.procurement.partners.services import secrets_of_sender
from punchin.procurement.sso.models import IdentityProvider, Protocol
from punchin.transport import BasicAuth
from punchin.web import demo, encryption
from punchin.web.delivery.models import OutboundDelivery
from punchin.web.documents import Direction
from punchin.web.encryption.apps import check_keys
from punchin.web.testing import LiveASGIServer
from tests.at_rest import assert_not_in_clear, set_in_clear, stored
from tests.procurement import flow
from tests.procurement.builders import credential
from tests.procurement.conftest import basic, post
from tests.procurement.test_fulfilment import document
from tests.signin import login

OUTBOUND = ("outbound_shared_secret", "outbound_password", "outbound_bearer_token")
PASSWORD = "the-stores-password-for-us"
TOKEN = "the-stores-token-for-us"


@pytest.fixture
def partner(db: None) -> SupplierPartner:
    """The demo store, writing back to it with basic auth (its password stored too)."""
    call_command("seed_demo", storefront_url="http://127.0.0.1:8001")
    store = SupplierPartner.objects.get()
    store.outbound_auth_scheme = OutboundAuth.BASIC
    store.outbound_user_id = "procurement"
    store.outbound_password = PASSWORD
    store.outbound_bearer_token = TOKEN
    store.save()
    return store


def test_a_stolen_partner_table_holds_no_secret_we_present_in_clear(
    partner: SupplierPartner,
) -> None:
    assert_not_in_clear(SupplierPartner, OUTBOUND, demo.SHARED_SECRET, PASSWORD, TOKEN)
    assert all(v.startswith(b"enc1:") for f in OUTBOUND for v in stored(SupplierPartner, f))
    # Read back where they are used: the delivery resolver presents the password.
    again = SupplierPartner.objects.get()
    assert (again.outbound_shared_secret, again.outbound_bearer_token) == (
        demo.SHARED_SECRET,
        TOKEN,
    )
    auth = SupplierTargets().target(partner_key(partner)).auth
    assert auth == BasicAuth("procurement", PASSWORD)


def test_a_request_received_opens_none_of_the_secrets_we_present(
    partner: SupplierPartner, django_assert_num_queries: Any
) -> None:
    """Authenticating a store reads its partner row without our outbound secrets: each
    would be decrypted for every request received, and they are read at send time."""
    (found,) = secrets_of_sender(credential(demo.STORE_IDENTITY))
    assert set(OUTBOUND) <= found.partner.get_deferred_fields()
    with django_assert_num_queries(1):  # still there, read when asked for
        assert found.partner.outbound_password == PASSWORD


def test_a_stolen_queue_holds_no_shared_secret_in_clear(partner: SupplierPartner) -> None:
    order = flow.approved()
    assert_not_in_clear(OutboundDelivery, ("raw",), demo.SHARED_SECRET)
    delivery = OutboundDelivery.objects.get(payload_id=order.payload_id)
    # The exact bytes to send: the secret in place (sending: tests/procurement/test_orders.py).
    assert f"<SharedSecret>{demo.SHARED_SECRET}</SharedSecret>".encode() in bytes(delivery.raw)


def _everything() -> tuple[Any, ...]:
    partner = SupplierPartner.objects.get()
    return (
        *(getattr(partner, name) for name in OUTBOUND),
        *(bytes(d.raw) for d in OutboundDelivery.objects.order_by("pk")),
        *(d.sent for d in CxmlDocument.objects.filter(direction=Direction.OUTBOUND)),
    )


def test_rotate_secret_keys_leaves_nothing_the_old_key_opens(db: None, settings: Any) -> None:
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    settings.PUNCHIN_SECRET_KEYS = [old]
    call_command("seed_demo", storefront_url="http://127.0.0.1:8001")
    SupplierPartner.objects.update(outbound_password=PASSWORD, outbound_bearer_token=TOKEN)
    flow.approved()
    CxmlDocument.objects.create(
        direction=Direction.OUTBOUND, raw=b"<cXML><SharedSecret>logged</SharedSecret></cXML>"
    )
    before = _everything()

    settings.PUNCHIN_SECRET_KEYS = [new, old]
    out = StringIO()
    call_command("rotate_secret_keys", stdout=out)
    report = out.getvalue()
    assert "procurement_partners.SupplierPartner.outbound_password: 1 re-encrypted" in report
    queued = OutboundDelivery.objects.count()  # the approval and the order
    assert f"delivery.OutboundDelivery.raw: {queued} re-encrypted" in report
    assert "procurement_documents.CxmlDocument.masked_secrets: 1 re-encrypted" in report

    settings.PUNCHIN_SECRET_KEYS = [new]
    assert _everything() == before
    settings.PUNCHIN_SECRET_KEYS = [old]
    with pytest.raises(encryption.SecretUnreadable):
        SupplierPartner.objects.get()


def _migration(app_label: str, name: str) -> Any:
    module = importlib.import_module(f"punchin.{app_label}.migrations.{name}")
    (operation,) = (o for o in module.Migration.operations if hasattr(o, "code"))
    return operation


def test_secrets_stored_in_clear_before_are_encrypted_by_the_migration(
    partner: SupplierPartner, settings: Any
) -> None:
    set_in_clear(SupplierPartner, partner.pk, outbound_password="written-in-clear")
    with pytest.raises(encryption.SecretUnreadable):
        SupplierPartner.objects.get()
    sealing = _migration("procurement.partners", "0006_secrets_at_rest")
    editor = SimpleNamespace(connection=connection)

    # Outside development without keys: refused, rather than encrypted under the
    # stand-in key that the real one would not open.
    with pytest.raises(ImproperlyConfigured, match="PUNCHIN_SECRET_KEYS is not set"):
        sealing.code(apps, editor)
    settings.PUNCHIN_DEV = True
    set_in_clear(SupplierPartner, partner.pk, outbound_shared_secret="also-in-clear")
    sealing.code(apps, editor)
    sealing.code(apps, editor)  # a second run finds nothing left to do

    assert_not_in_clear(SupplierPartner, OUTBOUND, "written-in-clear", "also-in-clear")
    again = SupplierPartner.objects.get()
    assert (again.outbound_password, again.outbound_shared_secret) == (
        "written-in-clear",
        "also-in-clear",
    )
    sealing.reverse_code(apps, editor)  # migrating back puts them in clear again
    assert stored(SupplierPartner, "outbound_password") == [b"written-in-clear"]


def _profile(server: LiveASGIServer, secret: str) -> int:
    body = document(ProfileRequest(), secret=secret)
    return post(server.url + "/cxml/profile", body, authorization=basic()).status


def test_a_stores_old_shared_secret_is_accepted_until_its_valid_until(
    procurement: LiveASGIServer,
) -> None:
    """The store switches secrets: the admin adds the new one and gives the old one a
    window (the admin's inline form); both work inside it, only the new one after."""
    old = SharedSecret.objects.get()
    added = SharedSecretForm(
        {"organisation": old.organisation_id, "label": "new secret", "secret": "the-new-one"},
        instance=SharedSecret(partner=old.partner),
    )
    assert added.is_valid(), added.errors
    added.save()
    window = SharedSecretForm(
        {
            "organisation": old.organisation_id,
            "label": old.label,
            "valid_until": (timezone.now() + timedelta(hours=1)).isoformat(),
        },
        instance=old,
    )
    assert window.is_valid(), window.errors
    window.save()

    assert _profile(procurement, demo.SHARED_SECRET) == 200
    assert _profile(procurement, "the-new-one") == 200
    assert _profile(procurement, "neither") == 403
    admin = Client()
    assert login(admin, demo.PROCUREMENT_ADMIN, demo.PASSWORD)
    change = reverse("admin:procurement_partners_supplierpartner_change", args=[old.partner_id])
    assert 'name="shared_secrets-0-valid_until_0"' in admin.get(change).content.decode()
    settings_page = admin.get(reverse("partners:settings")).content.decode()
    assert f"{old.label} (accepted until " in settings_page

    SharedSecret.objects.filter(pk=old.pk).update(valid_until=timezone.now() - timedelta(seconds=1))
    assert _profile(procurement, demo.SHARED_SECRET) == 403
    assert _profile(procurement, "the-new-one") == 200
    settings_page = admin.get(reverse("partners:settings")).content.decode()
    assert f"{old.label} (old secret, no longer accepted)" in settings_page


def test_outside_development_nothing_runs_without_keys(db: None, settings: Any) -> None:
    settings.PUNCHIN_DEV, settings.DEBUG, settings.PUNCHIN_SECRET_KEYS = False, False, []
    (error,) = check_keys()
    assert error.id == "encryption.E001"
    assert "PUNCHIN_SECRET_KEYS is not set" in error.msg
    for command in (("delivery_worker", "--batch"), ("rotate_secret_keys",)):
        with pytest.raises(ImproperlyConfigured, match="PUNCHIN_SECRET_KEYS is not set"):
            call_command(*command, skip_checks=True)
    settings.PUNCHIN_SECRET_KEYS = ["not-a-key"]
    assert [e.msg for e in check_keys()] == [
        "PUNCHIN_SECRET_KEYS: key 1 is not a Fernet key (32 bytes in url-safe base64, 44 "
        "characters)"
    ]
    settings.PUNCHIN_DEV = True  # the demo and tests: the stand-in key
    settings.PUNCHIN_SECRET_KEYS = []
    assert check_keys() == []


def _uvicorn(tmp_path: Path, **env: str) -> subprocess.Popen[str]:
    variables = {k: v for k, v in os.environ.items() if k not in {"PUNCHIN_DEV", "PUNCHIN_DEBUG"}}
    variables.update({"PUNCHIN_DATA_DIR": str(tmp_path), "PUNCHIN_SECRET_KEYS": "", **env})
    command = [sys.executable, "-m", "uvicorn", "punchin.procurement.asgi:application"]
    return subprocess.Popen(
        [*command, "--host", "127.0.0.1", "--port", "0"],
        env={**variables, "DJANGO_SETTINGS_MODULE": "punchin.procurement.settings"},
        stderr=subprocess.PIPE,
        text=True,
    )


def test_the_web_server_refuses_to_start_in_production_without_keys(tmp_path: Path) -> None:
    refused = _uvicorn(tmp_path)
    _, errors = refused.communicate(timeout=60)
    assert refused.returncode != 0
    assert "PUNCHIN_SECRET_KEYS is not set" in errors

    started = _uvicorn(tmp_path, PUNCHIN_SECRET_KEYS=Fernet.generate_key().decode())
    try:
        assert started.stderr is not None
        lines = iter(started.stderr.readline, "")
        assert any("Application startup complete" in line for line in lines)
    finally:
        started.terminate()
        started.communicate(timeout=30)


def test_a_stolen_identity_provider_table_holds_no_client_secret_in_clear(db: None) -> None:
    IdentityProvider.objects.create(
        organisation=Organisation.objects.create(name="Acme"),
        protocol=Protocol.OIDC,
        email_domains="acme.example",
        issuer="https://idp.acme.example",
        client_id="procurement",
        client_secret="oidc-client-secret-41",
    )
    assert_not_in_clear(IdentityProvider, ("client_secret",), "oidc-client-secret-41")
    assert IdentityProvider.objects.get().client_secret == "oidc-client-secret-41"
