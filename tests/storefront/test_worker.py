"""The storefront's delivery worker as a real process: a confirmation queued by the
staff's action reaches procurement's /cxml/confirmation, authenticated as configured
(the integration's P10 auth), exactly as stored, and is marked delivered.

The worker runs as ``punchin demo`` starts it:
``python -m django delivery_worker --settings punchin.storefront.settings``
(here with ``--batch``, which works the queue once and exits).
"""

from __future__ import annotations

import base64
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web
from cryptography.fernet import Fernet
from django.db import connection

from punchin.storefront.documents.models import CxmlDocument
from punchin.storefront.orders import receive, services
from punchin.storefront.orders.models import PurchaseOrder
from punchin.web import demo
from punchin.web.delivery.models import OutboundDelivery
from punchin.web.documents import Direction

from .conftest import Acme, FakeProcurement, setup_response
from .factories import cart_items, from_procurement, order_request, received_order, submitted

pytestmark = pytest.mark.django_db(transaction=True)


def _database_url() -> str:
    """The test database, as the worker process must see it."""
    settings = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{Path(settings['NAME']).resolve()}"
    user, host, port = settings["USER"], settings["HOST"], settings["PORT"] or 5432
    return f"postgres://{user}@{host}:{port}/{settings['NAME']}"


def test_the_worker_delivers_a_confirmation(
    acme: Acme, dev: Any, procurement: Any, tmp_path: Path
) -> None:
    async def ok(request: web.Request) -> web.Response:
        return web.Response(body=setup_response(200, "OK"), content_type="text/xml")

    # The worker runs in a data directory of its own: the key that encrypts the queued
    # document (docs/security.md row 28) must be given to both, as in a deployment.
    key = Fernet.generate_key().decode()
    dev.PUNCHIN_SECRET_KEYS = [key]
    fake: FakeProcurement = procurement(ok)
    system = acme.configure(fake.url)
    cart = submitted(acme)
    document = from_procurement(order_request(cart_items(cart)), "po-1@procurement")
    entry = CxmlDocument.objects.create(direction=Direction.INBOUND, raw=b"<cXML/>")
    receive.order_request(received_order(system, document, entry))
    order = PurchaseOrder.objects.get()
    services.confirm(order.pk, demo.FULFILMENT_STAFF)

    env = {
        **os.environ,
        "DATABASE_URL": _database_url(),
        "PUNCHIN_DEV": "1",
        "PUNCHIN_DATA_DIR": str(tmp_path),
        "PUNCHIN_SECRET_KEYS": key,
    }
    command = [sys.executable, "-m", "django", "delivery_worker"]
    command += ["--settings", "punchin.storefront.settings", "--batch"]
    finished = subprocess.run(command, env=env, capture_output=True, timeout=120, check=False)
    assert finished.returncode == 0, finished.stderr.decode()

    delivery = OutboundDelivery.objects.get()
    assert delivery.state == "delivered", (delivery.last_error, finished.stderr.decode())
    (received,) = fake.received
    assert received.path == "/cxml/confirmation"
    assert received.body == bytes(delivery.raw)
    expected = base64.b64encode(f"{demo.ENDPOINT_USER}:{demo.ENDPOINT_PASSWORD}".encode())
    assert received.headers["Authorization"] == f"Basic {expected.decode()}"
    assert received.headers["User-Agent"].endswith("PunchIn 1.0")
