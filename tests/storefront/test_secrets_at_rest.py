"""Secrets at rest on the storefront (docs/security.md row 28): a stolen database holds
no secret of a purchasing system in clear, neither in its settings, nor in the document
log, nor in the delivery queue; the PoomUrl still serves the exact bytes; the purchasing
system's SharedSecret changes without a gap."""

from __future__ import annotations

import importlib
import urllib.request
from datetime import timedelta
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from django.apps import apps
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from punchin.cxml.payload_id import new_payload_id
from punchin.cxml.punchout import ProfileRequest
from punchin.cxml.validate import validate
from punchin.storefront.documents.models import CxmlDocument
from punchin.storefront.integration.models import PurchasingSystem
from punchin.storefront.orders import services
from punchin.web import demo
from punchin.web.delivery.models import OutboundDelivery
from punchin.web.documents import Direction, join_secrets, redact_secrets, split_secrets
from punchin.web.testing import LiveASGIServer
from tests.at_rest import assert_not_in_clear, set_in_clear, stored

from .conftest import Acme
from .factories import from_procurement, post, submitted
from .test_fulfilment import order, system  # noqa: F401 (fixtures)
from .test_integration import CONFIGURE, admin_client, form

SYSTEM_SECRETS = ("basic_password", "bearer_token", "shared_secret", "inbound_shared_secret")
TOKEN = "a-bearer-token-of-ours"
INBOUND = "what-procurement-presents"


def _migration(module: str) -> Any:
    migration = importlib.import_module(f"punchin.{module}").Migration
    (operation,) = (o for o in migration.operations if hasattr(o, "code"))
    return operation


@pytest.mark.django_db
def test_a_stolen_purchasing_system_table_holds_no_secret_in_clear(acme: Acme) -> None:
    acme.configure(
        "https://procurement.example/cxml/punchin",
        bearer_token=TOKEN,
        inbound_shared_secret=INBOUND,
        previous_inbound_shared_secret="what-it-presented-before",
    )
    clear = (demo.ENDPOINT_PASSWORD, TOKEN, demo.SHARED_SECRET, INBOUND)
    assert_not_in_clear(PurchasingSystem, SYSTEM_SECRETS, *clear)
    assert_not_in_clear(
        PurchasingSystem, ("previous_inbound_shared_secret",), "what-it-presented-before"
    )
    again = PurchasingSystem.objects.get()
    assert tuple(getattr(again, name) for name in SYSTEM_SECRETS) == (
        demo.ENDPOINT_PASSWORD,
        TOKEN,
        demo.SHARED_SECRET,
        INBOUND,
    )


@pytest.mark.django_db(transaction=True)
def test_the_log_keeps_no_shared_secret_in_clear_and_the_poom_url_serves_the_exact_bytes(
    acme: Acme, dev: Any, storefront: LiveASGIServer, dtd_dir: Path
) -> None:
    acme.configure("http://127.0.0.1:9/cxml/punchin")
    cart = submitted(acme, storefront.url)

    assert_not_in_clear(CxmlDocument, ("raw", "masked_secrets"), demo.SHARED_SECRET)
    url = storefront.url + reverse("submissions:poom", args=[cart.poom.token])
    with urllib.request.urlopen(url, timeout=30) as reply:  # noqa: S310 (http to the test server)
        served = reply.read()
    assert served == cart.poom.document.sent
    assert validate(served, dtd_dir) == []
    # The setup request is sent again from the log on a retry: its secret in place.
    setup = f"<SharedSecret>{demo.SHARED_SECRET}</SharedSecret>".encode()
    assert setup in cart.setup_request.sent
    assert setup not in bytes(cart.setup_request.raw)


@pytest.mark.django_db
def test_a_stolen_queue_holds_no_shared_secret_in_clear(order: Any) -> None:  # noqa: F811
    services.confirm(order.pk, demo.FULFILMENT_STAFF)
    assert_not_in_clear(OutboundDelivery, ("raw",), demo.SHARED_SECRET)
    assert_not_in_clear(CxmlDocument, ("raw", "masked_secrets"), demo.SHARED_SECRET)
    delivery = OutboundDelivery.objects.get()
    logged = CxmlDocument.objects.get(payload_id=delivery.payload_id, direction="out")
    assert demo.SHARED_SECRET.encode() in bytes(delivery.raw)
    assert bytes(delivery.raw) == logged.sent


@pytest.mark.django_db
def test_documents_kept_in_clear_before_are_masked_and_encrypted_by_the_migrations(
    order: Any,  # noqa: F811
) -> None:
    services.confirm(order.pk, demo.FULFILMENT_STAFF)
    delivery = OutboundDelivery.objects.get()
    exact = bytes(delivery.raw)
    logged = CxmlDocument.objects.get(payload_id=delivery.payload_id, direction="out")
    received = CxmlDocument.objects.create(direction=Direction.INBOUND, raw=b"<cXML/>")
    # As an older version left them: the queue, the outbound row and an inbound row in clear.
    set_in_clear(OutboundDelivery, delivery.pk, raw=exact)
    set_in_clear(CxmlDocument, logged.pk, raw=exact, masked_secrets="")
    set_in_clear(CxmlDocument, received.pk, raw=exact)
    editor = SimpleNamespace(connection=connection)

    _migration("web.delivery.migrations.0003_secrets_at_rest").code(apps, editor)
    masking = _migration("storefront.documents.migrations.0005_masked_secrets")
    masking.code(apps, editor)

    assert_not_in_clear(OutboundDelivery, ("raw",), demo.SHARED_SECRET)
    assert_not_in_clear(CxmlDocument, ("raw", "masked_secrets"), demo.SHARED_SECRET)
    assert bytes(OutboundDelivery.objects.get().raw) == exact
    assert CxmlDocument.objects.get(pk=logged.pk).sent == exact
    assert CxmlDocument.objects.get(pk=received.pk).sent == redact_secrets(exact)
    masking.reverse_code(apps, editor)
    assert exact in stored(CxmlDocument, "raw")


FRAGMENTS = st.sampled_from(
    [b"<SharedSecret", b"<SharedSecret>", b">", b"</SharedSecret>", b"***", b"<", b"s3cret"]
)


@given(st.lists(FRAGMENTS | st.binary(max_size=4), max_size=12).map(b"".join))
def test_masking_a_document_and_putting_its_secrets_back_gives_the_exact_bytes(
    raw: bytes,
) -> None:
    masked, secrets = split_secrets(raw)
    assert masked == redact_secrets(raw)
    assert join_secrets(masked, secrets) == raw


def _profile(server: LiveASGIServer, secret: str) -> int:
    request = from_procurement(ProfileRequest(), new_payload_id("procurement.test"), secret=secret)
    return post(server.url + "/cxml/profile", request)[0]


def _until(delta: timedelta) -> str:
    return (timezone.now() + delta).strftime("%Y-%m-%dT%H:%M")


@pytest.mark.django_db(transaction=True)
def test_the_purchasing_systems_old_shared_secret_is_accepted_until_the_window_ends(
    acme: Acme, dev: Any, storefront: LiveASGIServer
) -> None:
    """The admin enters the purchasing system's new SharedSecret and keeps the old one
    for an hour on Configure Purchasing System; after the window only the new one works."""
    endpoint = "http://127.0.0.1:8002/cxml/punchin"
    client = admin_client()
    assert (
        client.post(CONFIGURE, form(endpoint, inbound_shared_secret="old-one")).status_code == 302
    )
    assert _profile(storefront, "old-one") == 200

    switch = form(
        endpoint, inbound_shared_secret="new-one", previous_valid_until=_until(timedelta(hours=1))
    )
    assert client.post(CONFIGURE, switch).status_code == 302
    assert "The previous SharedSecret is accepted until" in client.get(CONFIGURE).content.decode()
    assert _profile(storefront, "old-one") == 200
    assert _profile(storefront, "new-one") == 200
    assert _profile(storefront, "another-one") == 403

    ended = form(
        endpoint,
        shared_secret="",
        basic_password="",
        previous_valid_until=_until(timedelta(minutes=-1)),
    )
    assert client.post(CONFIGURE, ended).status_code == 302
    assert _profile(storefront, "old-one") == 403
    assert _profile(storefront, "new-one") == 200
