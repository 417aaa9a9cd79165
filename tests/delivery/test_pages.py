"""The staff pages: needs attention first, every attempt with the partner's answer
(escaped), Retry now by POST with CSRF."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import User
from django.db import transaction
from django.test import Client

from punchin.web.delivery.models import OutboundDelivery
from punchin.web.delivery.outbox import enqueue
from tests.cxml.builders import SHARED_SECRET
from tests.delivery.conftest import drain, order, state
from tests.delivery.partner import Answer, FakePartner
from tests.signin import login

pytestmark = pytest.mark.django_db(transaction=True)

HOSTILE = "<script>alert(1)</script>"


@pytest.fixture
def staff() -> Client:
    user = User.objects.create_user("ops", "ops@example.com", "pw", is_staff=True)
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    return client


def failed(partner: FakePartner) -> OutboundDelivery:
    partner.script = [Answer(400, 400, f"Unknown cost centre {HOSTILE}")]
    with transaction.atomic():
        delivery = enqueue(order(), partner_key="supplier", url=partner.url, reason="PO-1")
    drain(lambda: state(delivery) == "needs_attention")
    return delivery


def csrf(client: Client, path: str) -> str:
    client.get(path)
    return str(client.cookies["delivery-tests_csrftoken"].value)


def test_needs_attention_first_and_escaped(staff: Client, partner: FakePartner) -> None:
    with transaction.atomic():
        ok = enqueue(order(), partner_key="supplier", url=partner.url)
    drain(lambda: state(ok) == "delivered")
    bad = failed(partner)
    page = staff.get("/deliveries/").content.decode()
    assert page.index(f'id="delivery-{bad.pk}"') < page.index(f'id="delivery-{ok.pk}"')
    assert 'id="delivery-attention"' in page
    assert HOSTILE not in page
    assert "&lt;script&gt;" in page
    only = staff.get("/deliveries/", {"state": "delivered"}).content.decode()
    assert f'id="delivery-{ok.pk}"' in only
    assert f'id="delivery-{bad.pk}"' not in only


def test_detail_shows_every_attempt_and_the_answer(staff: Client, partner: FakePartner) -> None:
    bad = failed(partner)
    page = staff.get(f"/deliveries/{bad.pk}/").content.decode()
    assert 'id="attempt-1"' in page
    assert "HTTP 400" in page
    assert "cXML 400 Bad Request" in page
    assert HOSTILE not in page
    assert "Unknown cost centre &lt;script&gt;" in page
    assert 'id="delivery-retry"' in page


def test_pages_never_show_the_shared_secret(staff: Client, partner: FakePartner) -> None:
    """The document goes out with the partner's SharedSecret; staff read it redacted."""
    bad = failed(partner)
    assert SHARED_SECRET.encode() in bytes(bad.raw)
    User.objects.filter(username="ops").update(is_superuser=True)
    for path in (f"/deliveries/{bad.pk}/", f"/admin/delivery/outbounddelivery/{bad.pk}/change/"):
        page = staff.get(path).content.decode()
        assert SHARED_SECRET not in page, path
        assert "SharedSecret&gt;***&lt;/SharedSecret" in page, path


def test_retry_now_by_post_with_csrf(staff: Client, partner: FakePartner) -> None:
    bad = failed(partner)
    path = f"/deliveries/{bad.pk}/retry/"
    assert staff.get(path).status_code == 405
    assert staff.post(path).status_code == 403  # no CSRF token
    token = csrf(staff, f"/deliveries/{bad.pk}/")
    answer = staff.post(path, {"csrfmiddlewaretoken": token}, follow=True)
    assert "queued again" in answer.content.decode()
    drain(lambda: state(bad) == "delivered")
    again = staff.post(path, {"csrfmiddlewaretoken": token}, follow=True)
    assert "no longer needs attention" in again.content.decode()
    assert len(partner.requests) == 2


def test_staff_only(partner: FakePartner, client: Any) -> None:
    User.objects.create_user("buyer", "b@example.com", "pw")
    login(client, username="buyer", password="pw")
    for path in ("/deliveries/", "/deliveries/1/"):
        assert client.get(path).status_code == 302


def test_admin_lists_and_retries(staff: Client, partner: FakePartner) -> None:
    bad = failed(partner)
    User.objects.filter(username="ops").update(is_superuser=True)
    page = staff.get("/admin/delivery/outbounddelivery/")
    assert page.status_code == 200
    detail = staff.get(f"/admin/delivery/outbounddelivery/{bad.pk}/change/")
    assert detail.status_code == 200
    assert HOSTILE not in detail.content.decode()


def test_the_partner_is_shown_by_name_not_by_key(staff: Client, partner: FakePartner) -> None:
    """The partner key is an internal id ("1"); staff read the name given at enqueue."""
    with transaction.atomic():
        named = enqueue(
            order(), partner_key="supplier", url=partner.url, partner_name="Papeterie Durand"
        )
    page = staff.get("/deliveries/").content.decode()
    assert '<td data-label="Partner">Papeterie Durand</td>' in page
    assert '<option value="supplier">Papeterie Durand</option>' in page
    detail = staff.get(f"/deliveries/{named.pk}/").content.decode()
    assert "<h1>OrderRequest to Papeterie Durand</h1>" in detail
    only = staff.get("/deliveries/", {"partner": "supplier"}).content.decode()
    assert f'id="delivery-{named.pk}"' in only


def test_a_partner_without_a_name_is_shown_by_its_key(staff: Client, partner: FakePartner) -> None:
    with transaction.atomic():
        enqueue(order(), partner_key="supplier", url=partner.url)
    page = staff.get("/deliveries/").content.decode()
    assert '<td data-label="Partner">supplier</td>' in page
