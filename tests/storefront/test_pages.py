"""The shop's pages: catalog and search, the add button (P2), sign-in (P1), groups
(P12), checkout (P3) and direct orders."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client

from punchin.storefront.accounts.models import BusinessAccount, BuyingGroup, PurchasingMode
from punchin.storefront.accounts.services import (
    buying_groups,
    checkout_groups,
    effective_mode,
    ensure_member,
    may_punch_out,
)
from punchin.storefront.cart import services as cart
from punchin.storefront.cart.models import CartLine, Order
from punchin.storefront.catalog.models import Category, Product
from punchin.storefront.catalog.services import search
from punchin.web import demo
from tests.signin import login

from .conftest import Acme, product
from .factories import ADDRESS_FORM


def signed_in(email: str) -> Client:
    client = Client()
    assert login(client, username=email, password=demo.PASSWORD)
    return client


def test_demo_catalog_is_realistic(acme: Acme) -> None:
    products = list(Product.objects.all())
    assert len(products) >= 60
    assert {p.category for p in products} == set(Category.values)
    for p in products:
        assert re.fullmatch(r"\d{8}", p.unspsc), p
        assert re.fullmatch(r"[A-Z]{2}", p.unit_of_measure), p
        assert p.price > Decimal(0)
        assert p.manufacturer
        assert p.manufacturer_part_id
        assert p.supplier_part_auxiliary_id


@pytest.mark.parametrize(
    ("query", "best"),
    [
        ("nitrile gloves", {"LB-30001", "LB-30002"}),
        ("CF258A", {"IT-20001"}),
        ("black toner", {"IT-20001", "IT-20002"}),
        ("usb flash drive", {"IT-20009"}),
        ("copy paper", {"OF-10006", "OF-10007"}),
    ],
)
def test_search_ranks_the_best_match_first(acme: Acme, query: str, best: set[str]) -> None:
    hits = search(query)
    top = {h.product.supplier_part_id for h in hits[: len(best)]}
    assert top == best, [(h.product.supplier_part_id, h.score) for h in hits[:5]]
    scores = [h.score for h in hits]
    assert scores == sorted(scores, reverse=True)


def test_products_matching_every_word_outrank_those_matching_one(acme: Acme) -> None:
    hits = search("black toner")
    both = [h for h in hits if "toner" in h.product.name.lower()]
    only_black = [h for h in hits if "toner" not in h.product.name.lower()]
    assert only_black, "black markers and pens match one word"
    assert min(h.score for h in both) > max(h.score for h in only_black)


def test_search_page_shows_results_in_rank_order(acme: Acme) -> None:
    page = Client().get("/search", {"q": "nitrile gloves"}).content.decode()
    parts = re.findall(r'class="card product-card" data-part="([^"]+)"', page)
    assert parts[:2] == [h.product.supplier_part_id for h in search("nitrile gloves")][:2]
    assert "No products match" in Client().get("/search", {"q": "zzzqqq"}).content.decode()


@pytest.mark.parametrize(
    ("marketplace", "label"),
    [
        ("US", "Add to Cart"),
        ("CA", "Add to Cart"),
        ("JP", "Add to Cart"),
        ("UK", "Add to Basket"),
        ("DE", "Add to Basket"),
        ("FR", "Add to Basket"),
        ("IT", "Add to Basket"),
        ("IN", "Add to Basket"),
    ],
)
def test_add_button_label_per_marketplace(
    acme: Acme, settings: Any, marketplace: str, label: str
) -> None:
    """P2: "Add to Cart" on US, CA and JP marketplaces, "Add to Basket" on the others."""
    settings.PUNCHIN_MARKETPLACE = marketplace
    other = "Add to Basket" if label == "Add to Cart" else "Add to Cart"
    for path in ("/products/OF-10001", "/search?q=pens", "/"):
        page = Client().get(path).content.decode()
        assert f">{label}</button>" in page, path
        assert other not in page


def test_sign_in_with_email_works_on_a_phone(acme: Acme) -> None:
    """P1: sign in with a password; the page declares a device-width viewport."""
    client = Client()
    page = client.get("/accounts/login/").content.decode()
    assert 'name="viewport" content="width=device-width, initial-scale=1"' in page
    assert 'type="email"' in page
    wrong = client.post("/accounts/login/", {"username": demo.PUNCHIN_BUYER, "password": "x"})
    assert wrong.status_code == 200
    reply = client.post(
        "/accounts/login/", {"username": demo.PUNCHIN_BUYER.upper(), "password": demo.PASSWORD}
    )
    assert reply.status_code == 302
    assert demo.PUNCHIN_BUYER in client.get("/account/").content.decode()


def test_direct_wins_when_a_group_has_both(acme: Acme) -> None:
    """P12: "When one group has both, Direct Website purchase permission takes
    precedence over Punch-in"; Punchout user access comes after both."""
    both = BuyingGroup.objects.create(account=acme.account, name="Both", punchin=True, direct=True)
    assert both.purchasing_mode == PurchasingMode.DIRECT
    assert acme.punchin_group.purchasing_mode == PurchasingMode.PUNCHIN
    assert BuyingGroup(account=acme.account, name="None").purchasing_mode is None
    for direct, punchin, punchout, mode in [
        (True, True, True, PurchasingMode.DIRECT),
        (True, False, True, PurchasingMode.DIRECT),
        (False, True, True, PurchasingMode.PUNCHIN),
        (False, False, True, PurchasingMode.PUNCHOUT),
    ]:
        group = BuyingGroup(direct=direct, punchin=punchin, punchout=punchout)
        assert group.purchasing_mode == mode, (direct, punchin, punchout)
    member = ensure_member(acme.account, "both@acme.example", demo.PASSWORD, groups=(both,))
    assert effective_mode(member) == PurchasingMode.DIRECT
    assert effective_mode(acme.buyer) == PurchasingMode.PUNCHIN
    # Both groups at once: Direct wins for the member too.
    acme.buyer.groups.add(acme.direct_group)
    assert effective_mode(acme.buyer) == PurchasingMode.DIRECT


def test_punchout_users_shop_but_check_out_only_from_their_purchasing_system(
    acme: Acme,
) -> None:
    """A member whose only group has Punchout user access buys with PunchOut: the
    website's checkout offers them nothing (their cart goes back in a session), and
    Punch-in or Direct Website purchase still win over it (P12)."""
    punchout = BuyingGroup.objects.create(account=acme.account, name="PunchOut", punchout=True)
    member = ensure_member(acme.account, "po@acme.example", demo.PASSWORD, groups=(punchout,))
    assert effective_mode(member) == PurchasingMode.PUNCHOUT
    assert buying_groups(member) == [punchout]
    assert checkout_groups(member) == []
    assert may_punch_out(member)
    assert not may_punch_out(acme.direct_buyer)
    client = Client()
    client.force_login(member.user)
    cart.add(member.user, product("OF-10003"))
    page = client.get("/cart/").content.decode()
    assert "Proceed to checkout" not in page
    assert "Your group buys from your purchasing system" in page
    assert (
        "PunchOut (shopping from the e-procurement system)"
        in client.get("/account/").content.decode()
    )
    refused = client.post(
        "/checkout/",
        {
            "group": punchout.pk,
            **ADDRESS_FORM,
            "payment_method": "invoice",
            "delivery_speed": "standard",
        },
    )
    assert refused.status_code == 200  # the form says the group is not a choice
    assert "Select a valid choice" in refused.content.decode()
    member.groups.add(acme.punchin_group)
    assert effective_mode(member) == PurchasingMode.PUNCHIN
    assert checkout_groups(member) == [acme.punchin_group]


def review_page(client: Client, group: BuyingGroup) -> str:
    reply = client.post(
        "/checkout/",
        {
            "group": group.pk,
            **ADDRESS_FORM,
            "payment_method": "invoice",
            "delivery_speed": "standard",
        },
    )
    assert reply.status_code == 302, reply.content.decode()
    return client.get("/checkout/review").content.decode()


@pytest.mark.parametrize(
    ("group", "label", "absent"),
    [
        ("punchin", "Submit order for approval", "Place order"),
        ("direct", "Place order", "Submit order for approval"),
        ("both", "Place order", "Submit order for approval"),
    ],
)
def test_checkout_button_depends_on_the_group(
    acme: Acme, group: str, label: str, absent: str
) -> None:
    """P3: the checkout asks for group, address, payment and speed, then offers
    "Submit order for approval" to a Punch-in group and "Place order" otherwise."""
    chosen = {
        "punchin": acme.punchin_group,
        "direct": acme.direct_group,
        "both": BuyingGroup.objects.create(
            account=acme.account, name="Both", punchin=True, direct=True
        ),
    }[group]
    acme.buyer.groups.add(chosen)
    cart.add(acme.buyer.user, product("OF-10003"))
    client = signed_in(demo.PUNCHIN_BUYER)
    form = client.get("/checkout/").content.decode()
    for field in ("group", "ship_name", "street", "city", "country", "payment_method"):
        assert f'name="{field}"' in form
    page = review_page(client, chosen)
    assert f'id="place-order">{label}</button>' in page
    assert absent not in page


def test_direct_checkout_places_an_order(acme: Acme) -> None:
    cart.add(acme.direct_buyer.user, product("IT-20004"), 2)
    client = signed_in(demo.DIRECT_BUYER)
    review_page(client, acme.direct_group)
    reply = client.post("/checkout/submit")
    order = Order.objects.get()
    assert reply["Location"] == f"/orders/{order.pk}"
    assert order.total == 2 * product("IT-20004").price
    assert [(line.supplier_part_id, line.quantity) for line in order.lines.all()] == [
        ("IT-20004", 2)
    ]
    assert not CartLine.objects.filter(cart__user=acme.direct_buyer.user).exists()


def test_punchin_checkout_without_a_purchasing_system_explains(acme: Acme) -> None:
    """P13: Punch-in requires the account's integration to exist."""
    cart.add(acme.buyer.user, product("OF-10003"))
    client = signed_in(demo.PUNCHIN_BUYER)
    review_page(client, acme.punchin_group)
    reply = client.post("/checkout/submit", follow=True)
    assert "no purchasing system configured" in reply.content.decode()


def test_adding_twice_raises_the_quantity(acme: Acme) -> None:
    client = signed_in(demo.PUNCHIN_BUYER)
    item = product("MR-40001")
    for _ in range(2):
        client.post("/cart/add", {"product": item.pk, "quantity": 3})
    line = CartLine.objects.get(cart__user=acme.buyer.user)
    assert line.quantity == 6
    assert 'id="cart-count">6<' in client.get("/cart/").content.decode()
    client.post("/cart/update", {"line": line.pk, "quantity": 0})
    assert not CartLine.objects.exists()


def test_remove_takes_the_line_out_whatever_the_quantity_box_says(acme: Acme) -> None:
    client = signed_in(demo.PUNCHIN_BUYER)
    for part in ("MR-40001", "OF-10003"):
        client.post("/cart/add", {"product": product(part).pk, "quantity": 2})
    gone = CartLine.objects.get(cart__user=acme.buyer.user, product__supplier_part_id="MR-40001")
    page = client.get("/cart/").content.decode()
    assert 'id="remove-MR-40001"' in page
    client.post("/cart/update", {"line": gone.pk, "quantity": 2, "remove": "1"})
    left = CartLine.objects.filter(cart__user=acme.buyer.user)
    assert [line.product.supplier_part_id for line in left] == ["OF-10003"]
    assert left.get().quantity == 2


def test_pages_escape_user_text(acme: Acme) -> None:
    item = product("OF-10001")
    item.description = "<script>alert(1)</script>"
    item.save()
    page = Client().get("/products/OF-10001").content.decode()
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_adding_a_product_that_is_not_a_number_is_a_404_not_a_500(acme: Acme) -> None:
    client = signed_in(demo.PUNCHIN_BUYER)
    assert client.post("/cart/add", {"product": "abc", "quantity": 1}).status_code == 404
    assert not CartLine.objects.exists()


def test_adding_does_not_redirect_to_another_site(acme: Acme) -> None:
    client = signed_in(demo.PUNCHIN_BUYER)
    item = product("MR-40001")
    for evil in ("https://evil.example/phish", "//evil.example/", "javascript:alert(1)"):
        reply = client.post("/cart/add", {"product": item.pk, "next": evil})
        assert reply.status_code == 302
        assert reply["Location"] == item.get_absolute_url()
    back = client.post("/cart/add", {"product": item.pk, "next": "/search?q=toner"})
    assert back["Location"] == "/search?q=toner"


def test_repeated_adds_stop_at_the_line_maximum(acme: Acme) -> None:
    client = signed_in(demo.PUNCHIN_BUYER)
    item = product("MR-40001")
    for _ in range(3):
        client.post("/cart/add", {"product": item.pk, "quantity": 5000})
    assert CartLine.objects.get(cart__user=acme.buyer.user).quantity == 9999


def test_a_signed_in_buyer_on_the_staff_pages_is_refused_not_looped(acme: Acme) -> None:
    client = signed_in(demo.PUNCHIN_BUYER)
    assert client.get("/staff/orders/").status_code == 403
    assert Client().get("/staff/orders/").status_code == 302  # signed out: to the login


def test_account_admins_set_each_groups_permissions(acme: Acme) -> None:
    """Business Settings > Groups: Direct Website purchase, Punch-in and Punchout user
    access per group, and its members; how members buy follows P12's precedence."""
    admin = signed_in(demo.STORE_ADMIN)
    listed = admin.get("/account/business-settings/groups/").content.decode()
    assert "Procurement buyers" in listed
    assert "Punch-in (approval in the e-procurement system)" in listed
    assert (
        'href="/account/business-settings/groups/"'
        in admin.get("/account/business-settings/").content.decode()
    )

    reply = admin.post(
        "/account/business-settings/groups/new",
        {"name": "PunchOut users", "punchout": "on", "members": [acme.buyer.pk]},
    )
    assert reply.status_code == 302
    group = BuyingGroup.objects.get(account=acme.account, name="PunchOut users")
    assert (group.direct, group.punchin, group.punchout) == (False, False, True)
    assert list(group.members.all()) == [acme.buyer]
    assert group.purchasing_mode == PurchasingMode.PUNCHOUT

    edit = f"/account/business-settings/groups/{group.pk}/"
    form = admin.get(edit).content.decode()
    assert "Punchout user access" in form
    assert "takes precedence over Punch-in" in form
    admin.post(edit, {"name": "PunchOut users", "punchout": "on", "direct": "on"})
    group.refresh_from_db()
    assert group.purchasing_mode == PurchasingMode.DIRECT
    assert not group.members.exists()

    taken = admin.post(edit, {"name": "Direct buyers", "punchout": "on"})
    assert "Another group of your account has this name." in taken.content.decode()
    other = BusinessAccount.objects.create(name="Other Inc")
    stranger = ensure_member(other, "x@other.example", demo.PASSWORD)
    foreign = admin.post(edit, {"name": "PunchOut users", "members": [stranger.pk]})
    assert "Select a valid choice" in foreign.content.decode()
    theirs = BuyingGroup.objects.create(account=other, name="Theirs")
    assert admin.get(f"/account/business-settings/groups/{theirs.pk}/").status_code == 404
    assert (
        signed_in(demo.PUNCHIN_BUYER).get("/account/business-settings/groups/").status_code == 403
    )


def test_order_history_shows_each_buyer_the_sections_that_apply(acme: Acme) -> None:
    """P12: a direct buyer is shown no approval section; a Punch-in buyer no empty list
    of website orders."""
    direct = signed_in(demo.DIRECT_BUYER).get("/orders/").content.decode()
    assert 'id="direct-orders"' in direct
    assert 'id="punchin-submissions"' not in direct
    punchin = signed_in(demo.PUNCHIN_BUYER).get("/orders/").content.decode()
    assert 'id="punchin-submissions"' in punchin
    assert 'id="direct-orders"' not in punchin


def test_payment_choices_are_what_applies_to_the_buyer(acme: Acme) -> None:
    """P3, P12: a direct buyer is not offered a purchase order from an e-procurement
    system it does not use; a Punch-in buyer gets that one first and by default."""
    for member, email, offered, default in (
        (acme.direct_buyer, demo.DIRECT_BUYER, False, "invoice"),
        (acme.buyer, demo.PUNCHIN_BUYER, True, "po"),
    ):
        cart.add(member.user, product("OF-10003"))
        form = signed_in(email).get("/checkout/").content.decode()
        assert ('value="po"' in form) is offered
        assert re.search(rf'name="payment_method" value="{default}"[^>]*checked', form), email


def test_a_purchase_order_payment_is_refused_for_a_direct_group(acme: Acme) -> None:
    both = BuyingGroup.objects.create(account=acme.account, name="Lab", punchin=True)
    acme.direct_buyer.groups.add(both)  # now offered "po", but not for the direct group
    cart.add(acme.direct_buyer.user, product("OF-10003"))
    reply = signed_in(demo.DIRECT_BUYER).post(
        "/checkout/",
        {
            "group": acme.direct_group.pk,
            **ADDRESS_FORM,
            "payment_method": "po",
            "delivery_speed": "standard",
        },
    )
    assert reply.status_code == 200
    assert "buys directly on this site: choose invoice or corporate card" in reply.content.decode()
