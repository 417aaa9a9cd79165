"""Each role of procurement sees what it can use: the navigation shows an entry exactly
when its page lets the user in (tests.roles), for every entry and every role, and each
role's navigation is the one it needs."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client

from punchin.procurement.accounts.models import Membership, Organisation
from punchin.procurement.site.navigation import LINKS
from punchin.web import demo
from tests.roles import assert_admin_named, mismatches, shown

pytestmark = pytest.mark.django_db

EVERYONE = ["nav-requisitions", "nav-shop", "nav-orders"]
ADMIN_PAGES = ["nav-partners", "nav-punchout-catalogs", "nav-policy", "nav-sso"]
ORG_ADMIN = "org-admin@acme.example"  # administers Acme, but is no Django staff
OUTSIDER = "outsider@elsewhere.example"  # signed in, member of no organisation

NAVIGATION = {
    demo.PUNCHIN_BUYER: EVERYONE,
    demo.APPROVER: [*EVERYONE[:2], "nav-approvals", EVERYONE[2]],
    demo.FINANCE: [*EVERYONE, "nav-reconciliation", "nav-spend"],
    demo.RECEIVING_DESK: EVERYONE,
    ORG_ADMIN: [*EVERYONE, "nav-reconciliation", "nav-spend", *ADMIN_PAGES],
    demo.PROCUREMENT_ADMIN: [
        *EVERYONE[:2],
        "nav-approvals",
        EVERYONE[2],
        "nav-reconciliation",
        "nav-spend",
        *ADMIN_PAGES,
        "nav-deliveries",
        "nav-admin",
    ],
    OUTSIDER: EVERYONE,
}


@pytest.fixture
def people(db: None) -> dict[str, Any]:
    call_command("seed_demo", storefront_url="http://127.0.0.1:8001")
    users = get_user_model().objects
    admin = users.create_user(username=ORG_ADMIN, email=ORG_ADMIN)
    Membership.objects.create(
        user=admin, organisation=Organisation.objects.get(name=demo.ORGANISATION), is_admin=True
    )
    users.create_user(username=OUTSIDER, email=OUTSIDER)
    return {user.email: user for user in users.all()}


@pytest.mark.parametrize("email", list(NAVIGATION))
def test_each_entry_shows_exactly_when_its_page_lets_the_role_in(
    people: dict[str, Any], email: str
) -> None:
    client = Client()
    client.force_login(people[email])
    assert mismatches(client, LINKS) == []
    assert shown(client) == NAVIGATION[email]


def test_signed_out_visitors_see_only_the_way_to_log_in() -> None:
    client = Client()
    page = client.get("/no-such-page-here/").content.decode()
    assert shown(client) == []
    assert 'href="/accounts/login/"' in page


def test_every_entry_is_someones(people: dict[str, Any]) -> None:
    """No entry that no role would see (a dead check), none that the table misses."""
    assert {link.id for link in LINKS} == {i for ids in NAVIGATION.values() for i in ids}


def test_the_admin_is_named_in_procurements_words(people: dict[str, Any]) -> None:
    client = Client()
    client.force_login(people[demo.PROCUREMENT_ADMIN])
    assert_admin_named(
        client,
        "Organisations, partners, orders and policies | punchin procurement admin",
        "Procurement administration",
        ["Organisations and members", "Supplier partners", "Requisitions", "Purchase orders"],
    )
