"""OCI from the buyer's side (docs/oci.md), against a fake OCI catalog on loopback.

The requester's clicks go through Django's test client; the browser's post of the
catalog call to the catalog, and of the catalog's NEW_ITEM form to our HOOK_URL, travel
over real HTTP (the cart without any cookie or CSRF token, as a cross-site POST under
SameSite arrives).
"""

from __future__ import annotations

import http.client
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal
from html.parser import HTMLParser
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit

import pytest
from aiohttp import web
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from punchin.cxml import oci
from punchin.procurement.documents.models import CxmlDocument
from punchin.procurement.partners.models import SupplierPartner
from punchin.procurement.punchout.models import PunchOutSession, PunchOutSupplier, State
from punchin.procurement.requisitions.models import Requisition
from punchin.procurement.requisitions.services import token_digest
from punchin.web import demo
from punchin.web.documents import Direction
from punchin.web.testing import LiveASGIServer
from tests.fakes import FakeServer
from tests.procurement.test_punchout import Page, refused_in_layout, signed_in

pytestmark = pytest.mark.django_db(transaction=True)

CATALOG_USER = "acme"
CATALOG_PASSWORD = "catalog-password-9d2e"
CALL_FORM = "oci-catalog-call"


@dataclass
class FakeCatalog(FakeServer):
    """An OCI catalog: ``POST /oci`` keeps each call it gets and answers its shop page."""

    calls: list[list[tuple[str, str]]] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.listen("POST", "/oci", self._call)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/oci?shop=acme"

    async def _call(self, request: web.Request) -> web.Response:
        self.calls.append(parse_qsl(await request.text(), keep_blank_values=True))
        return web.Response(text="<html><body>Welcome to the catalog</body></html>")

    @property
    def hook_url(self) -> str:
        return dict(self.calls[-1])["HOOK_URL"]


@pytest.fixture
def catalog_server() -> Iterator[FakeCatalog]:
    fake = FakeCatalog().start()
    yield fake
    fake.stop()


@pytest.fixture
def catalog(
    procurement: LiveASGIServer, catalog_server: FakeCatalog, settings: Any
) -> PunchOutSupplier:
    """The demo partner open for OCI at the fake catalog, with its catalog login; the
    HOOK_URL points at the live server, where the browser posts the cart."""
    settings.PUNCHIN_PUBLIC_URL = procurement.url
    SupplierPartner.objects.update(
        outbound_user_id=CATALOG_USER, outbound_password=CATALOG_PASSWORD
    )
    found, _ = PunchOutSupplier.objects.update_or_create(  # the demo seeds a cXML one
        partner=SupplierPartner.objects.get(),
        defaults={
            "setup_url": catalog_server.url,
            "protocol": "oci",
            "oci_version": "5.0",
            "enabled": True,
        },
    )
    return found


class Form(HTMLParser):
    """The forms of a page: action, method and fields in order; and its scripts."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[dict[str, Any]] = []
        self.scripts: list[str | None] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "form":
            self.forms.append({**values, "fields": []})
        elif tag == "input" and self.forms and values.get("name"):
            self.forms[-1]["fields"].append((values["name"], values.get("value") or ""))
        elif tag == "script":
            self.scripts.append(values.get("src"))


def forms_of(html: str) -> Form:
    parsed = Form()
    parsed.feed(html)
    return parsed


def browser_post(url: str, fields: Sequence[tuple[str, str]], cookie: str = "") -> Page:
    """A page's auto-submitting form, posted cross-site: no CSRF token, and our
    session cookie only when given."""
    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    headers = {
        "Content-Type": "application/x-www-form-urlencoded",
        "Origin": "https://catalog.supplier.example",
        **({"Cookie": cookie} if cookie else {}),
    }
    target = parts.path + (f"?{parts.query}" if parts.query else "")
    try:
        connection.request("POST", target, body=urlencode(fields), headers=headers)
        response = connection.getresponse()
        body = response.read().decode("utf-8")
        return Page(response.status, body, response.getheader("Location", ""))
    finally:
        connection.close()


def opened(client: Client, catalog: PunchOutSupplier, server: FakeCatalog) -> Any:
    """Shop at the OCI supplier: our page's form goes to the catalog, as a browser
    posts it; the page is returned."""
    answer = client.post(reverse("punchout:start", args=[catalog.pk]))
    assert answer.status_code == 200, answer.content
    (form,) = (f for f in forms_of(answer.content.decode()).forms if f.get("id") == CALL_FORM)
    reached = browser_post(form["action"], form["fields"])
    assert reached.status == 200
    assert "Welcome to the catalog" in reached.body
    return answer


def item(part: str, quantity: str, price: str, **overrides: Any) -> oci.Item:
    values: dict[str, Any] = {
        "description": f"{part}, as configured",
        "quantity": Decimal(quantity),
        "unit": "EA",
        "price": Decimal(price),
        "currency": "USD",
        "vendormat": part,
        "ext_product_id": f"cfg-{part}",
        "matgroup": "44121704",
        "leadtime": 3,
        "longtext": f"The long description of {part}. " * 6,
        **overrides,
    }
    return oci.Item(**values)


def checkout(items: Sequence[oci.Item] | None = None) -> list[tuple[str, str]]:
    """The catalog's checkout form: the ITS fields and the lines' NEW_ITEM fields."""
    lines = (
        items if items is not None else (item("PEN-BLK-12", "2", "4.50"), item("CAB", "1", "3.30"))
    )
    return [("~OkCode", "ADDI"), ("~TARGET", "_top"), ("~CALLER", "CTLG"), *oci.encode(lines)]


def returned(client: Client, catalog: PunchOutSupplier, server: FakeCatalog) -> Requisition:
    opened(client, catalog, server)
    page = browser_post(server.hook_url, checkout())
    assert page.status == 303, page.body
    number = page.location.rstrip("/").rsplit("/", 1)[-1]
    return Requisition.objects.get(number=number)


# --- the catalog call ---------------------------------------------------------------------


def test_shop_at_posts_the_catalog_call_from_the_browser(
    catalog: PunchOutSupplier, catalog_server: FakeCatalog, procurement: LiveASGIServer
) -> None:
    """A page whose form posts HOOK_URL, the catalog login, OCI_VERSION and the ITS
    fields to the catalog URL (its query kept); the password never in a URL, the page
    never cached, its script a file of ours."""
    requester = signed_in()
    listed = requester.get(reverse("punchout:shop")).content.decode()
    assert f"Shop at {catalog.partner}" in listed
    answer = opened(requester, catalog, catalog_server)
    assert "no-store" in answer["Cache-Control"]
    shown = forms_of(answer.content.decode())
    assert shown.scripts == ["/static/procurement/punchout-oci.js"]
    (form,) = (f for f in shown.forms if f.get("id") == CALL_FORM)
    assert (form["method"], form["action"]) == ("post", catalog_server.url)
    call = dict(catalog_server.calls[-1])
    session = PunchOutSession.objects.get()
    assert (session.protocol, session.state, session.operation) == ("oci", "shopping", "create")
    hook = urlsplit(call.pop("HOOK_URL"))
    assert f"{hook.scheme}://{hook.netloc}" == procurement.url
    assert token_digest(hook.path.rsplit("/", 1)[-1]) == session.token_digest
    assert call == {
        "USERNAME": CATALOG_USER,
        "PASSWORD": CATALOG_PASSWORD,
        "OCI_VERSION": "5.0",
        "~OkCode": "ADDI",
        "~TARGET": "_top",
        "~CALLER": "CTLG",
        "USER_EMAIL": demo.PUNCHIN_BUYER,
    }
    assert session.buyer_cookie not in answer.content.decode()  # OCI has none
    logged = CxmlDocument.objects.get(document_type="OCI catalog call")
    assert logged.direction == Direction.OUTBOUND
    assert logged.payload_id == session.setup_payload_id
    assert CATALOG_PASSWORD not in bytes(logged.raw).decode()
    assert "PASSWORD=%2A%2A%2A" in bytes(logged.raw).decode()


def test_a_supplier_without_a_catalog_login_is_not_opened(
    catalog: PunchOutSupplier, catalog_server: FakeCatalog
) -> None:
    SupplierPartner.objects.update(outbound_password="")
    answer = signed_in().post(reverse("punchout:start", args=[catalog.pk]))
    assert answer.status_code == 409
    assert "its catalog login (the partner&#x27;s outbound user ID and password) is" in (
        answer.content.decode()
    )
    assert not PunchOutSession.objects.exists()
    assert catalog_server.calls == []


def test_the_admin_sets_a_supplier_up_for_oci(
    procurement: LiveASGIServer, catalog_server: FakeCatalog
) -> None:
    partner = SupplierPartner.objects.get()
    admin = signed_in(demo.PROCUREMENT_ADMIN)
    url = reverse("punchout:supplier", args=[partner.pk])
    form = admin.get(url).content.decode()
    assert "OCI version" in form
    assert "not set: an OCI catalog cannot be opened" in form
    answer = admin.post(
        url,
        {
            "setup_url": catalog_server.url,
            "protocol": "oci",
            "oci_version": "5.0",
            "enabled": "on",
        },
    )
    assert answer.status_code == 302, answer.content
    entry = PunchOutSupplier.objects.get()
    assert (entry.protocol, entry.oci_version, entry.enabled) == ("oci", "5.0", True)
    assert (
        "OCI (SAP&#x27;s Open Catalog Interface)"
        in admin.get(reverse("punchout:suppliers")).content.decode()
    )


# --- the cart's return -----------------------------------------------------------------------


def test_the_catalogs_cart_becomes_a_draft_requisition(
    catalog: PunchOutSupplier, catalog_server: FakeCatalog
) -> None:
    requester = signed_in()
    requisition = returned(requester, catalog, catalog_server)
    assert requisition.state == "draft"
    assert requisition.requester.email == demo.PUNCHIN_BUYER
    assert requisition.supplier == catalog.partner
    assert requisition.currency == "USD"
    assert requisition.total == Decimal("12.30")
    assert requisition.operation_allowed == "create"  # OCI reopens nothing
    session = PunchOutSession.objects.get()
    assert (session.state, session.requisition) == (State.RETURNED, requisition)
    assert requisition.source_payload_id == session.setup_payload_id
    lines = list(requisition.lines.order_by("line_number"))
    assert [(ln.supplier_part_id, ln.supplier_part_auxiliary_id, ln.quantity) for ln in lines] == [
        ("PEN-BLK-12", "cfg-PEN-BLK-12", 2),
        ("CAB", "cfg-CAB", 1),
    ]
    pens = lines[0]
    assert pens.short_name == "PEN-BLK-12, as configured"
    # 216 characters, in two chunks: read whole (and stripped, as every cart's).
    assert pens.description == ("The long description of PEN-BLK-12. " * 6).strip()
    assert (pens.unit_of_measure, pens.unspsc, pens.lead_time_days) == ("EA", "44121704", 3)
    entry = CxmlDocument.objects.get(document_type="OCI cart")
    assert (entry.direction, entry.status_code) == (Direction.INBOUND, 200)
    assert entry.payload_id == requisition.poom_payload_id
    assert f"is now requisition {requisition.number}" in entry.detail
    page = requester.get(reverse("requisitions:detail", args=[requisition.number]))
    assert "PEN-BLK-12, as configured" in page.content.decode()


def test_the_price_unit_and_custom_fields_come_along(
    catalog: PunchOutSupplier, catalog_server: FakeCatalog
) -> None:
    """PRICE is per PRICEUNIT (the classic x100 bug, read right); fields OCI defines
    beside the line's become its Extrinsics; fields it does not define are noted."""
    opened(signed_in(), catalog, catalog_server)
    screws = item(
        "SCR-4x20",
        "2000",
        "12.50",
        unit="PCE",
        price_unit=Decimal(1000),
        other=(("MATNR", "M-77"), ("CUST_FIELD1", "CC-4711")),
    )
    fields = [*checkout([screws]), ("NEW_ITEM-TAX_RATE[1]", "19")]
    page = browser_post(catalog_server.hook_url, fields)
    assert page.status == 303, page.body
    (line,) = Requisition.objects.get().lines.all()
    assert (line.quantity, line.unit_price, line.price_basis_quantity) == (2000, 12.5, 1000)
    assert line.total == Decimal(25)
    assert line.extrinsics == {"MATNR": "M-77", "CUST_FIELD1": "CC-4711"}
    assert "read past: TAX_RATE" in CxmlDocument.objects.get(document_type="OCI cart").detail


def test_a_cart_counts_once(catalog: PunchOutSupplier, catalog_server: FakeCatalog) -> None:
    requisition = returned(signed_in(), catalog, catalog_server)
    again = browser_post(catalog_server.hook_url, checkout())
    refused_in_layout(again, 409, "This cart was already received")
    assert requisition.number in again.body
    assert Requisition.objects.count() == 1
    assert CxmlDocument.objects.filter(document_type="OCI cart").count() == 2


def test_a_bad_cart_is_refused_by_field_and_a_good_one_may_follow(
    catalog: PunchOutSupplier, catalog_server: FakeCatalog
) -> None:
    opened(signed_in(), catalog, catalog_server)
    bad = [
        (name, value)
        for name, value in checkout()
        if name not in ("NEW_ITEM-DESCRIPTION[2]", "NEW_ITEM-PRICE[1]")
    ]
    refused = browser_post(catalog_server.hook_url, [*bad, ("NEW_ITEM-QUANTITY[3]", "1,5")])
    refused_in_layout(refused, 400, f"{catalog.partner}&#x27;s cart could not be accepted")
    for said in (
        "NEW_ITEM-PRICE[1] is missing",
        "NEW_ITEM-DESCRIPTION[2] is missing: every line needs a description",
        "NEW_ITEM-QUANTITY[3] &#x27;1,5&#x27; is not a number (OCI numbers use a decimal point",
        "Nothing was added to your requisitions.",
    ):
        assert said in refused.body
    assert not Requisition.objects.exists()
    entry = CxmlDocument.objects.get(document_type="OCI cart")
    assert (entry.status_code, entry.status_text) == (400, "Bad Request")
    assert PunchOutSession.objects.get().state == State.SHOPPING
    assert browser_post(catalog_server.hook_url, checkout()).status == 303


def test_coming_back_without_a_cart_changes_nothing(
    catalog: PunchOutSupplier, catalog_server: FakeCatalog
) -> None:
    opened(signed_in(), catalog, catalog_server)
    page = browser_post(catalog_server.hook_url, [("~OkCode", "ADDI"), ("~CALLER", "CTLG")])
    assert (page.status, page.location) == (303, reverse("punchout:shop"))
    assert not Requisition.objects.exists()
    assert PunchOutSession.objects.get().state == State.RETURNED


def test_an_unknown_or_another_protocols_token_is_not_a_cart_return(
    catalog: PunchOutSupplier, catalog_server: FakeCatalog, procurement: LiveASGIServer
) -> None:
    opened(signed_in(), catalog, catalog_server)
    unknown = browser_post(f"{procurement.url}/punchout/oci/not-a-token", checkout())
    refused_in_layout(unknown, 404, "This cart return link is not one of ours")
    # The OCI session's token at the cXML receiver is not one of its sessions either.
    token = catalog_server.hook_url.rsplit("/", 1)[-1]
    cxml = browser_post(f"{procurement.url}/punchout/return/{token}", [("cxml-urlencoded", "<x/>")])
    refused_in_layout(cxml, 404, "This cart return link is not one of ours")
    # Nor a cXML session's token at the HOOK_URL.
    oci_session = PunchOutSession.objects.get()
    PunchOutSession.objects.create(
        supplier=catalog,
        user=oci_session.user,
        operation="create",
        buyer_cookie="cxml-cookie",
        token_digest=token_digest("cxml-token"),
        setup_payload_id="cxml-setup@test",
        state=State.SHOPPING,
        expires_at=oci_session.expires_at,
    )
    at_hook = browser_post(f"{procurement.url}/punchout/oci/cxml-token", checkout())
    refused_in_layout(at_hook, 404, "This cart return link is not one of ours")
    assert not Requisition.objects.exists()


def test_a_cart_after_the_session_expired_is_refused(
    catalog: PunchOutSupplier, catalog_server: FakeCatalog
) -> None:
    opened(signed_in(), catalog, catalog_server)
    PunchOutSession.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    late = browser_post(catalog_server.hook_url, checkout())
    refused_in_layout(late, 410, "This shopping session at")
    assert "Shop again from Shop at suppliers" in late.body
    assert not Requisition.objects.exists()


def test_another_users_session_is_refused(
    catalog: PunchOutSupplier, catalog_server: FakeCatalog, procurement: LiveASGIServer
) -> None:
    opened(signed_in(), catalog, catalog_server)
    other = signed_in(demo.APPROVER)
    other.get("/")
    cookie = "; ".join(f"{c.key}={c.value}" for c in other.cookies.values())
    page = browser_post(catalog_server.hook_url, checkout(), cookie=cookie)
    refused_in_layout(page, 403, "This cart belongs to another user&#x27;s shopping session")
    assert not Requisition.objects.exists()


def test_a_link_cannot_bring_a_cart(catalog: PunchOutSupplier, catalog_server: FakeCatalog) -> None:
    opened(signed_in(), catalog, catalog_server)
    parts = urlsplit(catalog_server.hook_url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    try:
        connection.request("GET", f"{parts.path}?{urlencode(checkout())}")
        response = connection.getresponse()
        assert response.status == 405
        assert "must post the cart here (method POST)" in response.read().decode()
    finally:
        connection.close()
    assert PunchOutSession.objects.get().state == State.SHOPPING
