"""The StartPage landing (P7, P22): single use, expiry, login, attach, submit."""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from punchin.cxml import parse
from punchin.cxml.envelope import Message
from punchin.cxml.punchout import PunchOutOrderMessage
from punchin.procurement.accounts.models import Membership, Organisation
from punchin.procurement.documents.models import CxmlDocument
from punchin.procurement.partners.models import SupplierPartner
from punchin.procurement.requisitions.cart import read_cart
from punchin.procurement.requisitions.models import Requisition, StartPageToken
from punchin.procurement.requisitions.services import create_draft
from punchin.web import demo
from punchin.web.documents import Direction
from tests.procurement import builders
from tests.signin import login

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded() -> None:
    call_command("seed_demo", storefront_url="http://127.0.0.1:8001")


def punched_in(email: str = demo.PUNCHIN_BUYER) -> tuple[Requisition, str]:
    """A draft requisition as the endpoint makes it, and its StartPage path."""
    message = parse(builders.poom("1.2.3@store.test")).body
    assert isinstance(message, Message)
    assert isinstance(message.payload, PunchOutOrderMessage)
    organisation = Organisation.objects.get()
    buyer = get_user_model().objects.filter(email=email).first()
    requisition, start_page = create_draft(
        organisation=organisation,
        supplier=SupplierPartner.objects.get(),
        requester=buyer,
        buyer_email=email,
        cart=read_cart(message.payload, 100),
        source_payload_id="1.2.3@store.test",
        poom_payload_id="1.2.3@store.test",
        base_url="https://procurement.example",
    )
    return requisition, urlsplit(start_page.url).path


def log_in_on(client: Client, path: str, email: str = demo.PUNCHIN_BUYER) -> Any:
    return client.post(path, {"username": email, "password": demo.PASSWORD})


def test_landing_asks_for_login_and_does_not_use_the_token(seeded: None, client: Client) -> None:
    _, path = punched_in()
    page = client.get(path)
    assert page.status_code == 200
    assert demo.STORE_NAME in page.content.decode()
    assert b'name="password"' in page.content
    assert StartPageToken.objects.get().used_at is None


def test_wrong_password_keeps_the_form_and_the_token(seeded: None, client: Client) -> None:
    _, path = punched_in()
    page = client.post(path, {"username": demo.PUNCHIN_BUYER, "password": "nope"})
    assert page.status_code == 200
    assert b"correct" in page.content  # Django's "Please enter a correct email and password"
    assert StartPageToken.objects.get().used_at is None


def test_login_lands_on_the_requisition_and_the_link_works_once(
    seeded: None, client: Client
) -> None:
    requisition, path = punched_in()
    landed = log_in_on(client, path)
    assert landed.status_code == 302
    assert landed["Location"] == reverse("requisitions:detail", args=[requisition.number])
    assert StartPageToken.objects.get().used_at is not None

    page = client.get(landed["Location"])
    html = page.content.decode()
    assert demo.STORE_NAME in html
    assert "PEN-BLK-12" in html
    assert "CAB-CAT6" in html
    assert "Gel pens, black, box of 12" in html
    assert "9.00 USD" in html  # line total 2 x 4.50
    assert "12.30 USD" in html  # requisition total
    assert "Submit requisition" in html

    again = client.get(path)
    assert again.status_code == 410
    assert "already been used" in again.content.decode()


def test_expired_link_is_refused(seeded: None, client: Client) -> None:
    _, path = punched_in()
    StartPageToken.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    refused = log_in_on(client, path)
    assert refused.status_code == 410
    assert "expired" in refused.content.decode()
    assert StartPageToken.objects.get().used_at is None


def test_start_page_ttl_is_a_setting(seeded: None, settings: Any) -> None:
    settings.PUNCHIN_START_PAGE_TTL_SECONDS = 60
    punched_in()
    left = StartPageToken.objects.get().expires_at - timezone.now()
    assert timedelta(seconds=55) < left <= timedelta(seconds=60)


def test_unknown_email_attaches_to_the_buyer_who_logs_in(seeded: None, client: Client) -> None:
    requisition, path = punched_in(email="not-registered@acme.example")
    assert requisition.requester is None
    log_in_on(client, path)
    requisition.refresh_from_db()
    assert requisition.requester is not None
    assert requisition.requester.email == demo.PUNCHIN_BUYER


def test_a_user_outside_the_organisation_cannot_take_the_requisition(
    seeded: None, client: Client
) -> None:
    requisition, path = punched_in(email="not-registered@acme.example")
    outsider = get_user_model().objects.create_user(
        username="out@else.example", email="out@else.example", password=demo.PASSWORD
    )
    Membership.objects.create(user=outsider, organisation=Organisation.objects.create(name="Else"))
    refused = log_in_on(client, path, email="out@else.example")
    assert refused.status_code == 403
    requisition.refresh_from_db()
    assert requisition.requester is None
    assert StartPageToken.objects.get().used_at is None


def test_already_logged_in_buyer_lands_directly(seeded: None, client: Client) -> None:
    requisition, path = punched_in()
    login(client, username=demo.PUNCHIN_BUYER, password=demo.PASSWORD)
    landed = client.get(path)
    assert landed.status_code == 302
    assert requisition.number in landed["Location"]


def test_submit_records_the_submission_once(seeded: None, client: Client) -> None:
    requisition, path = punched_in()
    log_in_on(client, path)
    submit = reverse("requisitions:submit", args=[requisition.number])
    coding = {"cost_centre": "CC-100", "gl_account": "6100"}
    client.post(submit, coding)
    requisition.refresh_from_db()
    assert requisition.state == "submitted"
    assert requisition.submitted_at is not None
    assert (requisition.cost_centre, requisition.gl_account) == ("CC-100", "6100")
    second = client.post(submit, coding, follow=True)
    assert "cannot become" in second.content.decode()
    listing = client.get(reverse("requisitions:list")).content.decode()
    assert requisition.number in listing
    assert "Submitted for approval" in listing


def test_another_buyer_cannot_see_the_requisition(seeded: None, client: Client) -> None:
    requisition, path = punched_in()
    log_in_on(client, path)
    client.logout()
    login(client, username=demo.APPROVER, password=demo.PASSWORD)
    assert client.get(reverse("requisitions:detail", args=[requisition.number])).status_code == 404


def test_text_from_the_cart_is_escaped(seeded: None, client: Client) -> None:
    requisition, path = punched_in()
    requisition.lines.filter(line_number=1).update(description="<script>alert(1)</script>")
    log_in_on(client, path)
    html = client.get(reverse("requisitions:detail", args=[requisition.number])).content
    assert b"<script>alert(1)</script>" not in html
    assert b"&lt;script&gt;" in html


def test_seed_demo_is_idempotent(seeded: None) -> None:
    call_command("seed_demo", storefront_url="http://127.0.0.1:8001")
    assert SupplierPartner.objects.count() == 1
    assert get_user_model().objects.count() == 5
    assert Group.objects.get(name="Receiving desk").user_set.count() == 1
    partner = SupplierPartner.objects.get()
    assert partner.allowed_hosts == ["127.0.0.1:8001"]
    assert partner.shared_secrets.count() == 1


def test_partner_settings_page_for_organisation_admins(seeded: None, client: Client) -> None:
    login(client, username=demo.PROCUREMENT_ADMIN, password=demo.PASSWORD)
    page = client.get(reverse("partners:settings")).content.decode()
    assert demo.STORE_NAME in page
    assert "http://testserver/cxml/punchin" in page
    client.logout()
    login(client, username=demo.PUNCHIN_BUYER, password=demo.PASSWORD)
    assert client.get(reverse("partners:settings")).status_code == 403


def test_admin_shows_documents_with_their_raw_text(seeded: None, client: Client) -> None:
    entry = CxmlDocument.objects.create(
        direction=Direction.INBOUND,
        document_type="PunchOutSetupRequest",
        raw=b"<cXML>&amp;<x/></cXML>",
        answer=b"<cXML><Response/></cXML>",
        status_code=400,
    )
    login(client, username=demo.PROCUREMENT_ADMIN, password=demo.PASSWORD)
    listing = client.get(reverse("admin:procurement_documents_cxmldocument_changelist"))
    assert listing.status_code == 200
    assert b"PunchOutSetupRequest" in listing.content
    detail = client.get(reverse("admin:procurement_documents_cxmldocument_change", args=[entry.pk]))
    assert detail.status_code == 200
    assert b"&lt;cXML&gt;&amp;amp;&lt;x/&gt;&lt;/cXML&gt;" in detail.content


def test_admin_partner_form_stores_only_digests(seeded: None, client: Client) -> None:
    login(client, username=demo.PROCUREMENT_ADMIN, password=demo.PASSWORD)
    page = client.get(reverse("admin:procurement_partners_supplierpartner_add"))
    assert page.status_code == 200
    partner = SupplierPartner.objects.get()
    assert demo.ENDPOINT_PASSWORD not in str(partner.__dict__)
    assert demo.SHARED_SECRET not in str(partner.shared_secrets.get().__dict__)
