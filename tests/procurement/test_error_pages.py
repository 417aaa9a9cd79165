"""Procurement's error pages (punchin.web.errors): 400, 403, 404, 500 and a refused
CSRF token in the site's layout with a way back; cXML under /cxml/."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client

from punchin.procurement.accounts.roles import PROCUREMENT_ADMIN
from punchin.web import demo
from tests.error_pages import (
    check_every_error,
    check_machine_answers,
    check_server_error,
    error_page,
)
from tests.signin import login

pytestmark = pytest.mark.django_db
BRAND = '<a class="brand" href="/">punchin procurement</a>'


@pytest.fixture
def seeded(db: None) -> None:
    call_command("seed_demo", storefront_url="http://127.0.0.1:8001")


def as_requester(client: Client) -> None:
    assert login(client, demo.PUNCHIN_BUYER, demo.PASSWORD)


def test_400_404_and_csrf_failure_in_the_layout(seeded: None) -> None:
    check_every_error(Client(), BRAND, "/accounts/logout/", as_requester)


def test_a_page_for_another_role_says_whose_it_is_and_the_way_back(seeded: None) -> None:
    """The buyer who opens Buying policy (a 404 once) or Supplier partners (a bare
    403 once) is told whose pages they are, with their own navigation around it."""
    client = Client()
    as_requester(client)
    for path in ("/approvals/policy/", "/partners/", "/accounts/sso/settings/"):
        page = error_page(client.get(path), 403, BRAND)
        assert PROCUREMENT_ADMIN.refusal.replace("'", "&#x27;") in page
        assert 'id="nav-requisitions"' in page
        assert 'id="nav-partners"' not in page
        assert "Go to My requisitions" in page


def test_a_signed_out_visitor_is_offered_the_login(seeded: None) -> None:
    page = error_page(Client().get("/no-such-page-here/"), 404, BRAND)
    assert 'href="/accounts/login/" id="error-home">Log in<' in page


def test_a_failing_page_gets_the_static_500_page(seeded: None, settings: Any) -> None:
    settings.ROOT_URLCONF = "tests.procurement.failing_urls"
    check_server_error('<a class="brand" href="/">punchin procurement</a>')


def test_cxml_paths_answer_in_cxml(seeded: None, settings: Any) -> None:
    settings.ROOT_URLCONF = "tests.procurement.failing_urls"
    check_machine_answers(Client())
