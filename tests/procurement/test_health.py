"""The integration health page of a supplier partner (punchin.web.health): what it
shows of the partner's documents and deliveries, and who may see it."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from punchin.procurement.accounts.models import Membership, Organisation
from punchin.procurement.documents.models import CxmlDocument
from punchin.procurement.partners.models import AuthScheme, SupplierPartner
from punchin.web import demo
from punchin.web.delivery.models import OutboundDelivery
from punchin.web.delivery.states import State
from punchin.web.documents import Direction
from tests.signin import login

pytestmark = pytest.mark.django_db


def _user(email: str, organisation: Organisation | None, *, admin: bool) -> None:
    user = get_user_model().objects.create_user(username=email, email=email, password="pw")
    if organisation is not None:
        Membership.objects.create(user=user, organisation=organisation, is_admin=admin)


def _document(
    peer: str, document_type: str, code: int, text: str, **fields: object
) -> CxmlDocument:
    return CxmlDocument.objects.create(
        direction=Direction.INBOUND,
        document_type=document_type,
        peer=peer,
        raw=b"<cXML><Header><Sender><Credential><SharedSecret>s3cret</SharedSecret>",
        status_code=code,
        status_text=text,
        **fields,
    )


@pytest.fixture
def partner(seeded: None) -> SupplierPartner:
    """The demo store, with documents: good, refused, repaired, another partner's, old."""
    store = SupplierPartner.objects.get()
    _document(store.name, "PunchOutSetupRequest", 200, "OK", payload_id="ok-1")
    _document(store.name, "PunchOutSetupRequest", 200, "OK", payload_id="ok-2")
    _document(
        store.name,
        "ConfirmationRequest",
        400,
        "Bad Request",
        payload_id="refused-1",
        detail="ConfirmationHeader: confirmID is required (line 12)",
    )
    (origin,) = store.allowed_hosts  # the fake storefront's host:port
    _document(
        f"http://{origin}/poom/tok",
        "PunchOutOrderMessage",
        200,
        "OK",
        payload_id="cart-1",
        repairs="Timestamp: 'Mon May 19 18:29:48 +0000 2008' read as 2008-05-19T18:29:48+00:00",
    )
    _document("Another supplier", "InvoiceDetailRequest", 500, "Internal", payload_id="theirs")
    old = _document(store.name, "ShipNoticeRequest", 409, "Conflict", payload_id="old-one")
    CxmlDocument.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=20))
    for n, state in enumerate((State.PENDING, State.NEEDS_ATTENTION, State.DELIVERED)):
        OutboundDelivery.objects.create(
            payload_id=f"delivery-{state}",
            document_type="OrderRequest" if n else "StatusUpdateRequest",
            partner_key=str(store.pk),
            partner_name=store.name,
            url=store.order_url,
            raw=b"<cXML/>",
            state=state,
            last_status_code=403 if state == State.NEEDS_ATTENTION else None,
            last_status_text="Forbidden" if state == State.NEEDS_ATTENTION else "",
        )
    return store


def test_the_page_shows_traffic_answers_failures_repairs_and_deliveries(
    partner: SupplierPartner, client: Client
) -> None:
    login(client, username=demo.PROCUREMENT_ADMIN, password=demo.PASSWORD)
    settings_page = client.get(reverse("partners:settings")).content.decode()
    url = reverse("partners:health", args=[partner.pk])
    assert url in settings_page
    reply = client.get(url)
    assert reply.status_code == 200
    page = reply.content.decode()
    health = reply.context["health"]
    today = timezone.localdate()
    assert health.days[0].day == today
    assert len(health.days) == 14
    columns = {(c.direction, c.document_type): i for i, c in enumerate(health.columns)}
    assert health.days[0].counts[columns["in", "PunchOutSetupRequest"]] == 2
    assert health.days[0].counts[columns["in", "PunchOutOrderMessage"]] == 1
    # Procurement's outbound documents are counted from its delivery queue.
    assert health.days[0].counts[columns["out", "OrderRequest"]] == 2
    assert ("in", "InvoiceDetailRequest") not in columns  # another partner's
    assert ("in", "ShipNoticeRequest") not in columns  # older than the window
    answers = {(a.code, a.text): a.count for a in health.answers}
    assert answers == {(200, "OK"): 3, (400, "Bad Request"): 1}
    assert "ConfirmationHeader: confirmID is required (line 12)" in page
    assert reverse("partners:health_document", args=[partner.pk, health.failures[0].pk]) in page
    assert "read as 2008-05-19T18:29:48+00:00" in page
    assert "s3cret" not in page
    assert {d.state for d in health.waiting} == {State.NEEDS_ATTENTION, State.PENDING}
    attention = OutboundDelivery.objects.get(state=State.NEEDS_ATTENTION)
    assert reverse("delivery:retry", args=[attention.pk]) in page
    assert "1 delivery needs attention" in page
    # The 30-day window reaches the old failure.
    month = client.get(url, {"days": "30"}).context["health"]
    assert {(a.code, a.text) for a in month.answers} >= {(409, "Conflict")}


def test_the_document_page_shows_only_the_partners_documents(
    partner: SupplierPartner, client: Client
) -> None:
    login(client, username=demo.PROCUREMENT_ADMIN, password=demo.PASSWORD)
    refused = CxmlDocument.objects.get(payload_id="refused-1")
    page = client.get(reverse("partners:health_document", args=[partner.pk, refused.pk]))
    assert page.status_code == 200
    assert b"confirmID is required" in page.content
    assert b"s3cret" not in page.content
    theirs = CxmlDocument.objects.get(payload_id="theirs")
    url = reverse("partners:health_document", args=[partner.pk, theirs.pk])
    assert client.get(url).status_code == 404


def test_organisation_admins_and_staff_only(partner: SupplierPartner, client: Client) -> None:
    url = reverse("partners:health", args=[partner.pk])
    _user("org-admin@acme.example", partner.organisation, admin=True)
    _user("member@acme.example", partner.organisation, admin=False)
    _user("admin@elsewhere.example", Organisation.objects.create(name="Elsewhere"), admin=True)
    login(client, username="org-admin@acme.example", password="pw")
    page = client.get(url)
    assert page.status_code == 200
    # Not staff: no "Retry now" (the delivery pages are staff's), a word instead.
    assert b"Retry now" not in page.content
    assert b"Staff can send it again" in page.content
    for email in ("member@acme.example", "admin@elsewhere.example"):
        login(client, username=email, password="pw")
        refused = client.get(url)
        assert refused.status_code == 403
        assert b"punchin procurement" in refused.content  # the site's layout
        assert b"Integration health" in refused.content
    client.logout()
    assert client.get(url).status_code == 302  # to the login page


def test_a_name_another_partner_shares_is_left_out(
    partner: SupplierPartner, client: Client
) -> None:
    SupplierPartner.objects.create(
        name=partner.name,
        organisation=Organisation.objects.create(name="Elsewhere"),
        sender_identity="someone-else",
        auth_scheme=AuthScheme.BASIC,
    )
    login(client, username=demo.PROCUREMENT_ADMIN, password=demo.PASSWORD)
    reply = client.get(reverse("partners:health", args=[partner.pk]))
    assert "Another partner is also named" in reply.content.decode()
    assert {c.document_type for c in reply.context["health"].columns} == {
        "PunchOutOrderMessage",
        "OrderRequest",
        "StatusUpdateRequest",
    }
