"""OCI, the storefront's side (docs/oci.md), over real HTTP.

The purchasing system's browser calls the live storefront's catalog URL with the
catalog login and a HOOK_URL; a cookie-keeping browser shops and transfers the cart;
the transfer page's form is posted, as a browser posts it, to a loopback HOOK_URL,
which reads the NEW_ITEM fields back with ``punchin.cxml.oci``.
"""

from __future__ import annotations

import urllib.parse
from typing import Any

import pytest
from django.contrib.auth.hashers import make_password
from django.test import Client

from punchin.cxml import oci
from punchin.storefront.accounts.models import Member
from punchin.storefront.documents.models import CxmlDocument
from punchin.storefront.integration.models import PurchasingSystem
from punchin.storefront.punchout.catalog_call import system_of
from punchin.storefront.punchout.models import Protocol, PunchOutSession, State
from punchin.web import demo
from punchin.web.testing import LiveASGIServer
from tests.signin import login

from .conftest import Acme, Browser, FakeProcurement, product
from .test_integration import CONFIGURE, form
from .test_punchout import page, receiving

pytestmark = pytest.mark.django_db(transaction=True)

OCI_USER = "acme-srm"
OCI_PASSWORD = "catalog-password-5f1c"


@pytest.fixture
def system(acme: Acme, dev: Any) -> PurchasingSystem:
    """The demo account's purchasing system with an OCI login; its buyer may punch out."""
    acme.punchin_group.punchout = True
    acme.punchin_group.save()
    return acme.configure(
        "http://127.0.0.1:9/cxml/punchin",
        oci_username=OCI_USER,
        oci_password=make_password(OCI_PASSWORD),
    )


def call(hook_url: str, **overrides: str) -> dict[str, str]:
    """The catalog call a purchasing system makes (docs/oci.md); ``""`` leaves a field out."""
    fields = {
        "HOOK_URL": hook_url,
        "USERNAME": OCI_USER,
        "PASSWORD": OCI_PASSWORD,
        "OCI_VERSION": "5.0",
        "~OkCode": "ADDI",
        "~TARGET": "_top",
        "~CALLER": "CTLG",
        "USER_EMAIL": demo.PUNCHIN_BUYER,
        **overrides,
    }
    return {name: value for name, value in fields.items() if value}


def transfer_form(html: str) -> dict[str, Any]:
    (found,) = (f for f in page(html).forms if f.get("id") == "punchout-transfer")
    return found


def posted(html: str, receiver: FakeProcurement) -> list[tuple[str, str]]:
    """The transfer page's form as the browser posts it to the HOOK_URL: what arrived."""
    found = transfer_form(html)
    receiver.received.clear()
    Browser(receiver.url).post(found["action"], found["fields"])
    body = receiver.received[-1].body.decode()
    return urllib.parse.parse_qsl(body, keep_blank_values=True)


def test_an_oci_call_signs_the_buyer_in_and_the_cart_goes_back_as_new_item_fields(
    acme: Acme, system: PurchasingSystem, storefront: LiveASGIServer, procurement: Any
) -> None:
    receiver = receiving(procurement)
    browser = Browser(storefront.url)
    landed = browser.post("/punchout/oci", call(receiver.url))
    assert (landed.status, landed.headers["location"]) == (302, "/")
    session = PunchOutSession.objects.get()
    assert (session.protocol, session.state, session.user) == (
        Protocol.OCI,
        State.SHOPPING,
        acme.buyer.user,
    )
    assert session.browser_form_post_url == receiver.url
    logged = session.setup_request
    assert (logged.document_type, logged.direction, logged.peer) == (
        "OCI catalog call",
        "in",
        str(system),
    )
    assert OCI_PASSWORD not in bytes(logged.raw).decode()
    assert "PASSWORD=%2A%2A%2A" in bytes(logged.raw).decode()

    home = browser.get("/").text
    assert "Shopping for punchin procurement" in home
    browser.post("/cart/add", {"product": str(product("OF-10001").pk), "quantity": "3"})
    browser.post("/cart/add", {"product": str(product("IT-20001").pk)})
    assert "Proceed to checkout" not in browser.get("/cart/").text

    transfer = browser.post(f"/punchout/{session.key}/transfer")
    assert transfer.status == 200, transfer.text
    shown = page(transfer.text)
    assert not shown.inline_script
    assert [s.get("src") for s in shown.scripts] == ["/static/storefront/punchout-transfer.js"]
    found = transfer_form(transfer.text)
    assert (found["method"], found["action"], found["target"]) == ("post", receiver.url, "_top")

    fields = posted(transfer.text, receiver)
    assert ("~OkCode", "ADDI") in fields
    assert ("~CALLER", "CTLG") in fields
    assert ("~TARGET", "_top") in fields
    assert not any(name.startswith("csrf") for name, _ in fields)  # none of our tokens
    cart = oci.decode(fields, max_lines=100)
    assert [(i.vendormat, i.ext_product_id, i.quantity) for i in cart.items] == [
        ("OF-10001", product("OF-10001").supplier_part_auxiliary_id, 3),
        ("IT-20001", product("IT-20001").supplier_part_auxiliary_id, 1),
    ]
    pens = cart.items[0]
    assert pens.price == product("OF-10001").price
    assert (pens.currency, pens.unit, pens.price_unit) == ("USD", "PK", 1)
    assert pens.description == product("OF-10001").name[:40].strip()
    assert pens.longtext == product("OF-10001").description
    assert pens.matgroup == product("OF-10001").unspsc
    assert any(name == "NEW_ITEM-LONGTEXT_1:132[]" for name, _ in fields)

    session.refresh_from_db()
    assert session.state == State.TRANSFERRED
    assert (session.poom.document_type, session.poom.direction) == ("OCI cart", "out")
    assert bytes(session.poom.raw).decode() == urllib.parse.urlencode(fields)

    again = browser.post(f"/punchout/{session.key}/transfer")
    assert again.status == 409
    assert "This cart was already transferred" in again.text


def test_the_catalog_may_be_called_by_get_and_cancelled(
    system: PurchasingSystem, storefront: LiveASGIServer, procurement: Any
) -> None:
    """A GET call (the fields in the query, names in any case); Cancel sends the form
    back without NEW_ITEM fields: OCI's empty cart. No ~TARGET: the page targets _top."""
    receiver = receiving(procurement)
    browser = Browser(storefront.url)
    fields = {name.lower(): value for name, value in call(receiver.url, **{"~TARGET": ""}).items()}
    landed = browser.get("/punchout/oci?" + urllib.parse.urlencode(fields))
    assert landed.status == 302, landed.text
    session = PunchOutSession.objects.get()
    browser.post("/cart/add", {"product": str(product("OF-10001").pk)})
    cancelled = browser.post(f"/punchout/{session.key}/cancel")
    assert cancelled.status == 200
    assert transfer_form(cancelled.text)["target"] == "_top"
    back = posted(cancelled.text, receiver)
    assert back == [("~okcode", "ADDI"), ("~caller", "CTLG")]
    assert oci.decode(back, max_lines=10).items == ()
    assert PunchOutSession.objects.get().state == State.CANCELLED


@pytest.mark.parametrize(
    ("login_as", "password"),
    [(OCI_USER, "wrong"), ("nobody", OCI_PASSWORD), ("", ""), (OCI_USER, "")],
)
def test_an_unknown_login_or_a_wrong_password_gets_the_same_answer(
    system: PurchasingSystem, storefront: LiveASGIServer, login_as: str, password: str
) -> None:
    browser = Browser(storefront.url)
    refused = browser.post(
        "/punchout/oci", call("https://buyer.example/h", USERNAME=login_as, PASSWORD=password)
    )
    assert refused.status == 403
    assert "This catalog login was not recognised" in refused.text
    assert "The user name or password your purchasing system sent" in refused.text
    assert not PunchOutSession.objects.exists()
    assert browser.get("/cart/").status == 302  # nobody signed in: to the login page


@pytest.mark.parametrize(
    ("overrides", "status", "said"),
    [
        ({"HOOK_URL": ""}, 400, "HOOK_URL is missing: it says where the cart goes back to"),
        ({"HOOK_URL": "javascript:alert(1)"}, 400, "is not an http or https URL with a host"),
        ({"~TARGET": "a b"}, 400, "is not a frame name"),
        ({"USER_EMAIL": ""}, 400, "must carry your email address in the field USER_EMAIL"),
        ({"USER_EMAIL": "pat"}, 400, "(it sent &#x27;pat&#x27;)"),
        ({"FUNCTION": "VALIDATE"}, 501, "FUNCTION=VALIDATE is not offered by this catalog"),
    ],
)
def test_a_catalog_call_that_cannot_be_used_says_why(
    system: PurchasingSystem,
    storefront: LiveASGIServer,
    overrides: dict[str, str],
    status: int,
    said: str,
) -> None:
    browser = Browser(storefront.url)
    refused = browser.post("/punchout/oci", call("https://b.example/h", **overrides))
    assert refused.status == status, refused.text
    assert said in refused.text
    assert not PunchOutSession.objects.exists()


def test_plain_http_hook_url_only_in_development(
    system: PurchasingSystem, storefront: LiveASGIServer, settings: Any
) -> None:
    """Our pages may post forms only to https outside development (docs/security.md
    row 23), so an http HOOK_URL is refused there, and said why."""
    settings.PUNCHIN_DEV = False
    refused = Browser(storefront.url).post("/punchout/oci", call("http://srm.example/h"))
    assert refused.status == 400
    assert "is plain http: the cart can only go back over https" in refused.text


def test_the_start_pages_rules_decide_who_is_signed_in(
    acme: Acme, system: PurchasingSystem, storefront: LiveASGIServer
) -> None:
    """A member without Punchout user access is told what to ask; an unknown email
    too, until the admin lets PunchOut create users, then it is created."""
    refused = Browser(storefront.url).post(
        "/punchout/oci", call("https://b.example/h", USER_EMAIL=demo.DIRECT_BUYER)
    )
    assert refused.status == 403
    assert "may not shop here from your purchasing system yet" in refused.text

    newcomer = "new.buyer@acme.example"
    refused = Browser(storefront.url).post(
        "/punchout/oci", call("https://b.example/h", USER_EMAIL=newcomer)
    )
    assert refused.status == 403
    assert "has no sign-in here for" in refused.text
    PurchasingSystem.objects.filter(pk=system.pk).update(punchout_creates_users=True)
    browser = Browser(storefront.url)
    landed = browser.post(
        "/punchout/oci", call("https://b.example/h", USER_EMAIL=newcomer, USER_NAME="New Buyer")
    )
    assert landed.status == 302, landed.text
    member = Member.objects.get(user__username=newcomer)
    assert (member.account, member.user.get_full_name()) == (acme.account, "New Buyer")
    assert "Shopping for punchin procurement" in browser.get("/").text


def test_a_part_number_oci_cannot_carry_is_said_on_the_cart(
    system: PurchasingSystem, storefront: LiveASGIServer
) -> None:
    """OCI keeps 40 characters of VENDORMAT: a longer part number is not cut (the order
    would name another part); the cart page says why, and the session goes on."""
    pens = product("OF-10001")
    pens.supplier_part_id = "OF-" + "1" * 45
    pens.save()
    browser = Browser(storefront.url)
    assert browser.post("/punchout/oci", call("https://b.example/h")).status == 302
    session = PunchOutSession.objects.get()
    browser.post("/cart/add", {"product": str(pens.pk)})
    refused = browser.post(f"/punchout/{session.key}/transfer")
    assert (refused.status, refused.headers["location"]) == (302, "/cart/")
    cart_page = browser.get("/cart/").text
    assert "This cart cannot go back to your purchasing system" in cart_page
    assert "OCI keeps 40" in cart_page
    assert PunchOutSession.objects.get().state == State.SHOPPING
    assert not CxmlDocument.objects.filter(document_type="OCI cart").exists()


def test_the_admin_sets_the_oci_login(acme: Acme, settings: Any) -> None:
    """Configure Purchasing System: the catalog URL, a user name and a write-only
    password, stored as a hash; a user name without a password is refused."""
    settings.PUNCHIN_DEV = True
    client = Client()
    assert login(client, username=demo.STORE_ADMIN, password=demo.PASSWORD)
    shown = client.get(CONFIGURE).content.decode()
    assert '<code id="oci-url">http://testserver/punchout/oci</code>' in shown
    endpoint = "http://127.0.0.1:8002/cxml/punchin"
    refused = client.post(CONFIGURE, form(endpoint, oci_username=OCI_USER))
    assert refused.status_code == 200
    assert "An OCI user name needs a password." in refused.content.decode()
    saved = client.post(CONFIGURE, form(endpoint, oci_username=OCI_USER, oci_password=OCI_PASSWORD))
    assert saved.status_code == 302
    system = PurchasingSystem.objects.get()
    assert system.oci_username == OCI_USER
    assert OCI_PASSWORD not in system.oci_password
    page_after = client.get(CONFIGURE).content.decode()
    assert OCI_PASSWORD not in page_after
    assert "Stored. Leave blank to keep it." in page_after
    kept = client.post(CONFIGURE, form(endpoint, oci_username=OCI_USER))
    assert kept.status_code == 302
    assert system_of(OCI_USER, OCI_PASSWORD) == system
    assert system_of(OCI_USER, "other") is None
