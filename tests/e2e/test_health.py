"""The integration health pages of both parties in a real Chromium, on a desktop and a
phone screen: each party's demo partner with a day of traffic seeded into its document
log and delivery queue (a refused document, a repaired one, a delivery needing
attention), reached from the partner's own page.

Set PUNCHIN_SCREENSHOTS=1 to refresh docs/screenshots.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect

from punchin import demo
from punchin.web import demo as logins
from tests.e2e.conftest import DESKTOP, PHONE, Sites, open_context, screenshot
from tests.e2e.servers import Cluster
from tests.e2e.steps import log_in_to_procurement, sign_in

# Run in each party's own process (``manage shell``): the log rows and deliveries the
# partner's page aggregates. ``PARTNER`` and ``PEERS`` are set per party below.
SEED = """
from datetime import timedelta
from django.utils import timezone
from punchin.web.delivery.models import OutboundDelivery
from punchin.web.delivery.states import State
from punchin.web.documents import Direction
{setup}
rows = [
    (0, "in", NAME, "{inbound}", 200, "OK", "", ""),
    (0, "in", NAME, "{inbound}", 200, "OK", "", ""),
    (1, "in", NAME, "{inbound}", 400, "Bad Request",
     "Timestamp 'yesterday' is not a cXML timestamp (line 3): "
     "write ISO 8601, e.g. 2026-05-19T18:29:48+00:00", ""),
    (2, "in", NAME, "{inbound}", 200, "OK", "",
     "Timestamp: 'Mon May 19 18:29:48 +0000 2008' read as 2008-05-19T18:29:48+00:00"),
    (3, "out", URL, "{outbound}", 200, "OK", "", ""),
]
for age, direction, peer, kind, code, text, detail, repairs in rows:
    row = Log.objects.create(direction=direction, peer=peer, document_type=kind,
        payload_id=f"health-{{age}}-{{code}}@e2e", raw=b"<cXML/>", status_code=code,
        status_text=text, detail=detail, repairs=repairs)
    Log.objects.filter(pk=row.pk).update(created_at=timezone.now() - timedelta(days=age))
refused = "the partner answered 403 Forbidden"
for state, error in ((State.PENDING, ""), (State.NEEDS_ATTENTION, refused)):
    OutboundDelivery.objects.create(payload_id=f"health-{{state}}@e2e", document_type="{outbound}",
        partner_key=KEY, partner_name=NAME, url=URL, raw=b"<cXML/>", state=state,
        attempts=3, last_error=error, next_attempt_at=timezone.now() + timedelta(days=1),
        last_status_code=403 if error else None,
        last_status_text="Forbidden" if error else "")
print(PK)
"""

PROCUREMENT = SEED.format(
    setup="""from punchin.procurement.documents.models import CxmlDocument as Log
from punchin.procurement.partners.models import SupplierPartner
partner = SupplierPartner.objects.get()
NAME, KEY, PK, URL = partner.name, str(partner.pk), partner.pk, partner.order_url""",
    inbound="ConfirmationRequest",
    outbound="OrderRequest",
)
STOREFRONT = SEED.format(
    setup="""from punchin.storefront.documents.models import CxmlDocument as Log
from punchin.storefront.integration.models import PurchasingSystem
system = PurchasingSystem.objects.get()
NAME, KEY, PK = str(system), str(system.pk), system.pk
URL = system.document_url("ship_notice_url")""",
    inbound="OrderRequest",
    outbound="ShipNoticeRequest",
)


@pytest.fixture(scope="module")
def sites(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Sites]:
    """Parties of their own: the traffic seeded here (a delivery needing attention
    among it) must not show on the other journeys' pages."""
    with Cluster.running(tmp_path_factory.mktemp("health")) as cluster:
        yield Sites(
            cluster.storefront, cluster.procurement, cluster.idp, cluster.data_dir / "servers.log"
        )


def _seed(sites: Sites, party: demo.Party, code: str) -> int:
    return int(demo.manage(party, sites.log.parent, "shell", "-c", code).split()[-1])


def _check(page: Page, name: str) -> None:
    """The page's sections are there, with the seeded failure, repair and delivery, and
    nothing scrolls sideways but the per-day table's own box."""
    expect(page.locator("h1")).to_contain_text("Integration health")
    expect(page.locator("#health-alert")).to_contain_text("1 delivery needs attention")
    expect(page.locator("#health-failures .failure")).to_have_count(1)
    expect(page.locator("#health-failures")).to_contain_text("is not a cXML timestamp")
    expect(page.locator("#health-repairs")).to_contain_text("read as 2008-05-19T18:29:48+00:00")
    expect(page.locator("#health-deliveries tr[data-state=needs_attention]")).to_have_count(1)
    expect(page.locator("#health-days tbody tr")).to_have_count(14)
    assert page.evaluate(
        "document.documentElement.scrollWidth <= document.documentElement.clientWidth"
    ), "the page scrolls sideways"
    screenshot(page, name, full_page=True)


def test_both_parties_show_their_partners_health(
    page: Page, browser: Browser, sites: Sites
) -> None:
    _seed(sites, sites.procurement, PROCUREMENT)
    _seed(sites, sites.storefront, STOREFRONT)

    log_in_to_procurement(page, sites, logins.PROCUREMENT_ADMIN)
    page.goto(f"{sites.procurement.url}/partners/")
    page.get_by_role("link", name="Integration health").first.click()
    _check(page, "18-procurement-integration-health")
    procurement_health = page.url
    expect(page.locator("#health-deliveries button.retry")).to_have_count(1)  # staff
    page.locator("#health-failures .failure a").first.click()
    expect(page.locator("#document-status")).to_contain_text("400 Bad Request")

    store = open_context(browser, viewport=DESKTOP).new_page()
    sign_in(store, sites, logins.STORE_ADMIN)
    store.goto(f"{sites.storefront.url}/account/business-settings/")
    store.get_by_role("link", name="Integration health").click()
    _check(store, "19-storefront-integration-health")
    storefront_health = store.url
    store.context.close()

    for url, name, log_in in (
        (procurement_health, "20-phone-procurement-integration-health", log_in_to_procurement),
        (storefront_health, "21-phone-storefront-integration-health", sign_in),
    ):
        phone = open_context(browser, viewport=PHONE, is_mobile=True, has_touch=True)
        phone_page = phone.new_page()
        log_in(
            phone_page,
            sites,
            logins.PROCUREMENT_ADMIN if log_in is log_in_to_procurement else logins.STORE_ADMIN,
        )
        phone_page.goto(url)
        _check(phone_page, name)
        phone.close()
