"""Each role of the storefront sees what it can use: the navigation shows an entry
exactly when its page lets the user in (tests.roles), for every entry and every role
(buyers of each group, account admin, fulfilment staff, store staff admin)."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client

from punchin.storefront.accounts.models import BusinessAccount, BuyingGroup
from punchin.storefront.accounts.navigation import LINKS
from punchin.storefront.accounts.services import create_member
from punchin.web import demo
from tests.roles import assert_admin_named, mismatches, shown

pytestmark = pytest.mark.django_db

BUYER = ["nav-account", "nav-orders", "nav-cart"]
PUNCHOUT_SHOPPER = "shopper@acme.example"  # created by a PunchOut session, no password

NAVIGATION = {
    demo.PUNCHIN_BUYER: BUYER,
    demo.DIRECT_BUYER: BUYER,
    PUNCHOUT_SHOPPER: BUYER,
    demo.STORE_ADMIN: ["nav-account", "nav-orders", "nav-settings", "nav-cart"],
    demo.FULFILMENT_STAFF: ["nav-staff-orders", "nav-deliveries"],
    demo.STORE_STAFF_ADMIN: ["nav-staff-orders", "nav-deliveries", "nav-admin"],
}


@pytest.fixture
def people(db: None) -> dict[str, Any]:
    call_command("seed_demo", procurement_url="http://127.0.0.1:8002")
    account = BusinessAccount.objects.get(name=demo.ORGANISATION)
    create_member(
        account, PUNCHOUT_SHOPPER, "Shay Shopper", BuyingGroup.objects.get(name="PunchOut shoppers")
    )
    return {user.email: user for user in get_user_model().objects.all()}


@pytest.mark.parametrize("email", list(NAVIGATION))
def test_each_entry_shows_exactly_when_its_page_lets_the_role_in(
    people: dict[str, Any], email: str
) -> None:
    client = Client()
    client.force_login(people[email])
    assert mismatches(client, LINKS) == []
    assert shown(client) == NAVIGATION[email]


def test_signed_out_visitors_see_only_the_way_to_sign_in() -> None:
    assert shown(Client()) == ["nav-signin"]


def test_every_entry_is_someones() -> None:
    assert {link.id for link in LINKS} == {i for ids in NAVIGATION.values() for i in ids}


def test_the_admin_is_named_in_the_stores_words(people: dict[str, Any]) -> None:
    client = Client()
    client.force_login(people[demo.STORE_STAFF_ADMIN])
    assert_admin_named(
        client,
        "Catalog, business accounts and orders | Punchin Business admin",
        "Storefront administration",
        ["Catalog", "Carts and direct orders", "Business accounts"],
    )
