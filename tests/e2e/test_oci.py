"""OCI between the two real parties, in a real Chromium (docs/oci.md).

The demo's procurement gets a second partner for the demo store, set up for OCI at the
store's catalog URL, and the store an OCI login for the demo account's purchasing
system (both through the parties' own models, as their admins would set them). The
requester shops from procurement: our page posts the catalog call, the store signs the
buyer in, the transfer page posts the NEW_ITEM fields to the HOOK_URL, and the cart is
a draft requisition.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from punchin import demo
from punchin.web import demo as logins
from tests.e2e.conftest import Sites
from tests.e2e.steps import log_in_to_procurement, search

PARTNER = "Punchin Demo Store (OCI)"
OCI_USER = "acme-oci"
OCI_PASSWORD = "oci-e2e-password"


@pytest.fixture(scope="module")
def oci_partner(sites: Sites) -> str:
    """Both parties set up for OCI (idempotent): the store's catalog login, and the
    procurement partner that opens the store's catalog with it."""
    data_dir = sites.log.parent
    demo.manage(
        sites.storefront,
        data_dir,
        "shell",
        "-c",
        "from django.contrib.auth.hashers import make_password\n"
        "from punchin.storefront.integration.models import PurchasingSystem\n"
        f"PurchasingSystem.objects.update(oci_username={OCI_USER!r}, "
        f"oci_password=make_password({OCI_PASSWORD!r}))\n",
    )
    demo.manage(
        sites.procurement,
        data_dir,
        "shell",
        "-c",
        "from punchin.procurement.partners.models import SupplierPartner\n"
        "from punchin.procurement.punchout.models import PunchOutSupplier\n"
        f"store = SupplierPartner.objects.get(sender_identity={logins.STORE_IDENTITY!r})\n"
        f"partner, _ = SupplierPartner.objects.update_or_create(name={PARTNER!r}, defaults=dict("
        "organisation=store.organisation, credential_domain=store.credential_domain, "
        f"sender_identity='{logins.STORE_IDENTITY}-OCI', auth_scheme=store.auth_scheme, "
        "buyer_identity=store.buyer_identity, "
        "outbound_shared_secret=store.outbound_shared_secret, order_url=store.order_url, "
        f"outbound_user_id={OCI_USER!r}, outbound_password={OCI_PASSWORD!r}))\n"
        "PunchOutSupplier.objects.update_or_create(partner=partner, defaults=dict("
        f"setup_url={sites.storefront.url + '/punchout/oci'!r}, protocol='oci', "
        "oci_version='5.0', enabled=True))\n",
    )
    return PARTNER


def test_an_oci_round_trip(page: Page, sites: Sites, oci_partner: str) -> None:
    log_in_to_procurement(page, sites, logins.PUNCHIN_BUYER)
    page.goto(f"{sites.procurement.url}/punchout/")
    page.get_by_role("button", name=f"Shop at {oci_partner}").click()
    # Our page posts the catalog call by itself; the store signs the buyer in.
    expect(page.locator("#punchout-banner")).to_contain_text("Shopping for")
    assert page.url.startswith(sites.storefront.url)
    search(page, "toner")
    card = page.locator("#results .product-card").first
    part_id = card.get_attribute("data-part")
    assert part_id
    card.locator(".add-button").click()
    expect(page.locator(".messages .success")).to_contain_text("added to your cart")
    page.click("#punchout-banner-transfer")
    # The transfer page posts the NEW_ITEM fields to the HOOK_URL by itself.
    expect(page.locator("#requisition-status")).to_have_text("Draft")
    assert page.url.startswith(f"{sites.procurement.url}/requisitions/")
    expect(page.locator(".messages .success")).to_contain_text(
        f"Your cart from {oci_partner} is now requisition REQ-"
    )
    expect(page.locator("main")).to_contain_text(part_id)
