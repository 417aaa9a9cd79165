"""``seed_demo`` prepares the storefront side of ``punchin demo``, idempotently."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client

from punchin.storefront.accounts.models import BuyingGroup, Member, PurchasingMode
from punchin.storefront.accounts.services import may_punch_out
from punchin.storefront.catalog.models import Product
from punchin.storefront.integration.models import PurchasingSystem
from punchin.web import demo
from tests.signin import login


@pytest.mark.django_db
def test_seed_demo_twice_gives_one_ready_account() -> None:
    for _ in range(2):
        call_command("seed_demo", "--procurement-url", "http://127.0.0.1:8002/")
    assert Product.objects.count() >= 60
    modes = {g.name: g.purchasing_mode for g in BuyingGroup.objects.all()}
    assert modes == {
        "Procurement buyers": PurchasingMode.PUNCHIN,
        "Direct buyers": PurchasingMode.DIRECT,
        "PunchOut shoppers": PurchasingMode.PUNCHOUT,
    }
    # The Punch-in buyer may also shop from procurement (P12: Punch-in still decides
    # on the website), and procurement's other users get a PunchOut-only sign-in.
    buyer = Member.objects.get(user__username=demo.PUNCHIN_BUYER)
    assert may_punch_out(buyer)
    assert not may_punch_out(Member.objects.get(user__username=demo.DIRECT_BUYER))
    assert Member.objects.count() == 4  # with the single sign-on user (procurement SSO)
    assert Member.objects.get(user__username=demo.STORE_ADMIN).is_account_admin
    system = PurchasingSystem.objects.get()
    assert system.endpoint_url == "http://127.0.0.1:8002/cxml/punchin"
    assert (system.basic_user, system.basic_password) == (
        demo.ENDPOINT_USER,
        demo.ENDPOINT_PASSWORD,
    )
    assert system.shared_secret == demo.SHARED_SECRET
    assert system.deployment_mode == "production"
    assert system.punchout_creates_users
    # P8: procurement writes back as itself; order documents go to its default paths.
    assert (system.expected_sender, system.expected_secret) == (
        demo.PROCUREMENT_IDENTITY,
        demo.SHARED_SECRET,
    )
    assert [system.document_url(f) for f in system.DEFAULT_PATHS] == [
        "http://127.0.0.1:8002/cxml/confirmation",
        "http://127.0.0.1:8002/cxml/shipnotice",
        "http://127.0.0.1:8002/cxml/invoice",
    ]
    for email in (
        demo.PUNCHIN_BUYER,
        demo.DIRECT_BUYER,
        demo.STORE_ADMIN,
        demo.FULFILMENT_STAFF,
        demo.STORE_STAFF_ADMIN,
    ):
        assert login(Client(), username=email, password=demo.PASSWORD)
    staff = get_user_model().objects.get(username=demo.FULFILMENT_STAFF)
    assert staff.is_staff
    assert not staff.is_superuser
    assert not Member.objects.filter(user=staff).exists()
    # The store's site admin: every document in the admin (README, "Admins see every
    # document"), and the staff's order pages.
    admin = Client()
    assert login(admin, username=demo.STORE_STAFF_ADMIN, password=demo.PASSWORD)
    assert get_user_model().objects.get(username=demo.STORE_STAFF_ADMIN).is_superuser
    assert not Member.objects.filter(user__username=demo.STORE_STAFF_ADMIN).exists()
    pages = ("/admin/", "/admin/documents/cxmldocument/", "/admin/cart/order/", "/staff/orders/")
    for page in pages:
        assert admin.get(page).status_code == 200, page
