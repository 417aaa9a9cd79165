"""The storefront's error pages (punchin.web.errors): 400, 403, 404, 500 and a refused
CSRF token in the shop's layout with a way back; cXML under /cxml/."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client

from punchin.storefront.accounts.roles import BUYER, STORE_STAFF
from punchin.web import demo
from tests.error_pages import (
    check_every_error,
    check_machine_answers,
    check_server_error,
    error_page,
)
from tests.signin import login

pytestmark = pytest.mark.django_db
BRAND = '<a class="brand" href="/">Punchin <span>Business</span></a>'


@pytest.fixture
def seeded(db: None) -> None:
    call_command("seed_demo", procurement_url="http://127.0.0.1:8002")


def as_buyer(client: Client) -> None:
    assert login(client, demo.PUNCHIN_BUYER, demo.PASSWORD)


def test_400_404_and_csrf_failure_in_the_layout(seeded: None) -> None:
    check_every_error(Client(), BRAND, "/accounts/logout/", as_buyer)


def test_a_page_for_another_role_says_whose_it_is(seeded: None) -> None:
    buyer, staff = Client(), Client()
    as_buyer(buyer)
    assert login(staff, demo.FULFILMENT_STAFF, demo.PASSWORD)
    refused = error_page(buyer.get("/staff/orders/"), 403, BRAND)
    assert STORE_STAFF.refusal.replace("'", "&#x27;") in refused
    assert 'id="nav-cart"' in refused  # the buyer's own navigation around it
    assert 'href="/" id="error-home">Continue shopping<' in refused
    for path in ("/cart/", "/account/", "/orders/"):
        page = error_page(staff.get(path), 403, BRAND)
        assert BUYER.refusal.replace("'", "&#x27;") in page
        assert 'id="nav-staff-orders"' in page
        assert 'href="/staff/orders/" id="error-home">Go to Store orders<' in page


def test_a_failing_page_gets_the_static_500_page(seeded: None, settings: Any) -> None:
    settings.ROOT_URLCONF = "tests.storefront.failing_urls"
    check_server_error(BRAND)


def test_cxml_paths_answer_in_cxml(seeded: None, settings: Any) -> None:
    settings.ROOT_URLCONF = "tests.storefront.failing_urls"
    check_machine_answers(Client())
