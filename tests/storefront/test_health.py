"""The integration health page of a purchasing system (punchin.web.health): what it
shows of the documents to and from it and of its deliveries, and who may see it."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from punchin.storefront.accounts.models import BusinessAccount
from punchin.storefront.accounts.services import ensure_member, ensure_staff
from punchin.storefront.documents.models import CxmlDocument
from punchin.storefront.integration.models import PurchasingSystem
from punchin.web import demo
from punchin.web.delivery.models import OutboundDelivery
from punchin.web.delivery.states import State
from punchin.web.documents import Direction
from tests.signin import login

from .conftest import Acme

pytestmark = pytest.mark.django_db

ENDPOINT = "https://procurement.example/cxml/punchin"


def _log(
    direction: str, peer: str, document_type: str, code: int | None, text: str, **fields: object
) -> None:
    CxmlDocument.objects.create(
        direction=direction,
        document_type=document_type,
        peer=peer,
        raw=b"<cXML><Sender><Credential><SharedSecret>s3cret</SharedSecret></Credential>",
        status_code=code,
        status_text=text,
        **fields,
    )


@pytest.fixture
def system(acme: Acme) -> PurchasingSystem:
    """Acme's system with traffic: a punch-in it accepted, one it refused, an order read
    after repairs, a ship notice queued and an invoice it refused; and another account's."""
    system = acme.configure(ENDPOINT)
    name = str(system)
    _log(Direction.OUTBOUND, ENDPOINT, "PunchOutSetupRequest", 200, "OK", payload_id="setup-1")
    _log(
        Direction.OUTBOUND,
        ENDPOINT,
        "PunchOutSetupRequest",
        401,
        "Unauthorized",
        payload_id="setup-2",
        detail="the SharedSecret for PunchinDemoStore is wrong",
    )
    _log(
        Direction.INBOUND,
        name,
        "OrderRequest",
        200,
        "OK",
        payload_id="po-1",
        repairs="Money: empty amount read as 0.00 USD",
    )
    _log(Direction.OUTBOUND, system.document_url("invoice_url"), "InvoiceDetailRequest", None, "")
    for payload_id, state in (("ship-1", State.PENDING), ("invoice-1", State.NEEDS_ATTENTION)):
        OutboundDelivery.objects.create(
            payload_id=payload_id,
            document_type="InvoiceDetailRequest"
            if state == State.NEEDS_ATTENTION
            else "ShipNoticeRequest",
            partner_key=str(system.pk),
            partner_name=name,
            url=system.document_url("invoice_url"),
            raw=b"<cXML/>",
            state=state,
            last_error="the partner refused it: 403 Forbidden",
        )
    other = PurchasingSystem.objects.create(
        **{
            **{f: getattr(system, f) for f in ("system", "auth_scheme", "credential_domain")},
            "account": BusinessAccount.objects.create(name="Globex"),
            "endpoint_url": "https://other.example/cxml/punchin",
            "from_identity": "a",
            "to_identity": "b",
            "sender_identity": "c",
            "shared_secret": "d",
        }
    )
    _log(
        Direction.INBOUND,
        str(other),
        "OrderRequest",
        500,
        "Internal Server Error",
        payload_id="theirs",
    )
    return system


def test_the_page_shows_traffic_answers_failures_repairs_and_deliveries(
    system: PurchasingSystem, client: Client
) -> None:
    login(client, username=demo.STORE_ADMIN, password=demo.PASSWORD)
    url = reverse("integration:health", args=[system.pk])
    assert url in client.get(reverse("integration:configure")).content.decode()
    reply = client.get(url)
    assert reply.status_code == 200
    page = reply.content.decode()
    health = reply.context["health"]
    columns = {(c.direction, c.document_type): i for i, c in enumerate(health.columns)}
    today = health.days[0].counts
    assert today[columns["out", "PunchOutSetupRequest"]] == 2
    assert today[columns["in", "OrderRequest"]] == 1
    # The storefront logs what it queues: deliveries are not counted a second time.
    assert today[columns["out", "InvoiceDetailRequest"]] == 1
    assert ("out", "ShipNoticeRequest") not in columns
    assert {(a.direction, a.code): a.count for a in health.answers} == {
        ("out", 200): 1,
        ("out", 401): 1,
        ("in", 200): 1,
    }
    assert "the SharedSecret for PunchinDemoStore is wrong" in page
    assert "empty amount read as 0.00 USD" in page
    assert "theirs" not in page
    assert "s3cret" not in page
    assert {d.payload_id for d in health.waiting} == {"ship-1", "invoice-1"}
    assert "1 delivery needs attention" in page
    document = client.get(
        reverse("integration:health_document", args=[system.pk, health.failures[0].pk])
    )
    assert document.status_code == 200
    assert b"setup-2" in document.content
    assert b"s3cret" not in document.content


def test_account_admins_and_store_staff_only(
    system: PurchasingSystem, client: Client, acme: Acme
) -> None:
    url = reverse("integration:health", args=[system.pk])
    ensure_staff(demo.FULFILMENT_STAFF, demo.PASSWORD, name="Fran Fulfilment")
    login(client, username=demo.FULFILMENT_STAFF, password=demo.PASSWORD)
    page = client.get(url)
    assert page.status_code == 200
    assert b"Retry now" in page.content  # staff resend from here (the delivery pages' view)
    stranger = BusinessAccount.objects.create(name="Initech")
    ensure_member(stranger, "admin@initech.example", demo.PASSWORD, is_account_admin=True)
    for email in (demo.PUNCHIN_BUYER, "admin@initech.example"):
        login(client, username=email, password=demo.PASSWORD)
        refused = client.get(url)
        assert refused.status_code == 403
        assert b"Punchin Business" in refused.content  # the site's layout
    theirs = CxmlDocument.objects.get(payload_id="theirs")
    login(client, username=demo.STORE_ADMIN, password=demo.PASSWORD)
    assert (
        client.get(reverse("integration:health_document", args=[system.pk, theirs.pk])).status_code
        == 404
    )


def test_an_endpoint_another_account_shares_is_left_out(
    system: PurchasingSystem, client: Client
) -> None:
    PurchasingSystem.objects.exclude(pk=system.pk).update(endpoint_url=ENDPOINT)
    login(client, username=demo.STORE_ADMIN, password=demo.PASSWORD)
    reply = client.get(reverse("integration:health", args=[system.pk]))
    assert "another account&#x27;s system uses it too" in reply.content.decode()
    assert ("out", "PunchOutSetupRequest") not in {
        (c.direction, c.document_type) for c in reply.context["health"].columns
    }
