"""Configure Purchasing System (P9-P11, P13) and its "Send test request"."""

from __future__ import annotations

import re
import stat
from pathlib import Path
from typing import Any

import aiohttp
import pytest
import trustme
from aiohttp import web
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from punchin.cxml import parse
from punchin.cxml.envelope import Message, Request
from punchin.cxml.punchout import PunchOutOrderMessage, PunchOutSetupRequest
from punchin.cxml.status import Outcome
from punchin.cxml.validate import validate
from punchin.storefront.integration.models import PurchasingSystem
from punchin.storefront.submissions.judge import Verdict
from punchin.storefront.submissions.testrequest import SAMPLE_PART_ID, in_admin_words
from punchin.web import demo
from punchin.web.testing import LiveASGIServer
from tests.signin import login

from .conftest import Acme, Browser, setup_response

CONFIGURE = "/account/business-settings/systems-integrations/"


def form(endpoint_url: str, mode: str = "production", **overrides: Any) -> dict[str, Any]:
    return {
        "system": "coupa",
        "endpoint_url": endpoint_url,
        "auth_scheme": "basic",
        "basic_user": demo.ENDPOINT_USER,
        "basic_password": demo.ENDPOINT_PASSWORD,
        "credential_domain": "NetworkID",
        "from_identity": demo.STORE_IDENTITY,
        "to_identity": demo.PROCUREMENT_IDENTITY,
        "sender_identity": demo.STORE_IDENTITY,
        "shared_secret": demo.SHARED_SECRET,
        "deployment_mode": mode,
        **overrides,
    }


def admin_client() -> Client:
    client = Client()
    assert login(client, username=demo.STORE_ADMIN, password=demo.PASSWORD)
    return client


def test_the_path_to_configure_purchasing_system(acme: Acme) -> None:
    """P9: Account Details > Business Settings > Systems integrations > "Configure
    Purchasing System", with the list of systems."""
    client = admin_client()
    assert 'id="business-settings"' in client.get("/account/").content.decode()
    settings_page = client.get("/account/business-settings/").content.decode()
    assert "Systems integrations" in settings_page
    assert "Configure Purchasing System" in settings_page
    page = client.get(CONFIGURE).content.decode()
    for name in ("SAP Ariba", "Coupa", "Precoro", "Onventis", "iCompleat", "ClickApporter"):
        assert name in page
    assert "NB Solution" in page
    assert "Other cXML" in page
    for scheme in ("Basic (user ID and password)", "Client certificate", "Bearer token"):
        assert scheme in page


def test_only_account_admins_configure(acme: Acme) -> None:
    client = Client()
    assert login(client, username=demo.PUNCHIN_BUYER, password=demo.PASSWORD)
    assert client.get(CONFIGURE).status_code == 403
    assert client.post(CONFIGURE, form("https://127.0.0.1/x")).status_code == 403
    assert not PurchasingSystem.objects.exists()


@pytest.mark.parametrize("mode", ["production", "test"])
def test_plain_http_is_refused_outside_development(acme: Acme, settings: Any, mode: str) -> None:
    settings.PUNCHIN_DEV = False
    page = admin_client().post(CONFIGURE, form("http://127.0.0.1:8002/cxml/punchin", mode))
    assert page.status_code == 200
    assert "plain http refused" in page.content.decode()
    assert not PurchasingSystem.objects.exists()


@pytest.mark.parametrize(
    ("dev", "said"),
    [(False, "it must start with https://"), (True, "plain http to this machine")],
)
def test_the_endpoint_hint_says_the_rule_in_force(
    acme: Acme, settings: Any, dev: bool, said: str
) -> None:
    """The hint beside the endpoint URL states what this store accepts (P10)."""
    settings.PUNCHIN_DEV = dev
    assert said in admin_client().get(CONFIGURE).content.decode()


def test_development_allows_loopback_http_only(acme: Acme, settings: Any) -> None:
    settings.PUNCHIN_DEV = True
    client = admin_client()
    public = client.post(CONFIGURE, form("http://93.184.215.14/cxml/punchin"))
    assert "plain http refused" in public.content.decode()
    private = client.post(CONFIGURE, form("https://10.1.2.3/cxml/punchin"))
    assert "private" in private.content.decode()
    saved = client.post(CONFIGURE, form("http://127.0.0.1:8002/cxml/punchin"))
    assert saved.status_code == 302
    assert PurchasingSystem.objects.get().endpoint_url == "http://127.0.0.1:8002/cxml/punchin"


def test_banner_once_configured_and_secrets_never_shown(acme: Acme, settings: Any) -> None:
    """P11: once configured, the pages show that Punch-in is set up."""
    settings.PUNCHIN_DEV = True
    buyer = Client()
    assert login(buyer, username=demo.PUNCHIN_BUYER, password=demo.PASSWORD)
    assert 'id="punchin-banner"' not in buyer.get("/").content.decode()
    client = admin_client()
    client.post(CONFIGURE, form("http://127.0.0.1:8002/cxml/punchin"))
    page = buyer.get("/").content.decode()
    assert 'id="punchin-banner"' in page
    assert "(Coupa) is configured for Punch-in" in page
    # A direct buyer of the same account buys here whatever the purchasing system does.
    direct = Client()
    assert login(direct, username=demo.DIRECT_BUYER, password=demo.PASSWORD)
    assert 'id="punchin-banner"' not in direct.get("/").content.decode()
    configure = client.get(CONFIGURE).content.decode()
    assert demo.SHARED_SECRET not in configure
    assert demo.ENDPOINT_PASSWORD not in configure
    # Saving again with blank secrets keeps them.
    blank = form("http://127.0.0.1:8002/cxml/punchin", basic_password="", shared_secret="")
    assert client.post(CONFIGURE, blank).status_code == 302
    system = PurchasingSystem.objects.get()
    assert system.shared_secret == demo.SHARED_SECRET
    assert system.basic_password == demo.ENDPOINT_PASSWORD


def test_certificate_upload_is_kept_private(acme: Acme, settings: Any, tmp_path: Path) -> None:
    """P10: certificate auth stores the client certificate and key, mode 0600."""
    settings.PUNCHIN_DEV = True
    settings.DATA_DIR = tmp_path
    ca = trustme.CA()
    cert = ca.issue_cert("store.example")
    data = form(
        "https://127.0.0.1:8443/cxml/punchin",
        auth_scheme="certificate",
        basic_user="",
        basic_password="",
        client_certificate=SimpleUploadedFile("cert.pem", cert.cert_chain_pems[0].bytes()),
        client_key=SimpleUploadedFile("key.pem", cert.private_key_pem.bytes()),
    )
    assert admin_client().post(CONFIGURE, data).status_code == 302
    system = PurchasingSystem.objects.get()
    for path in (system.client_cert_file, system.client_key_file):
        assert Path(path).is_relative_to(tmp_path)
        assert stat.S_IMODE(Path(path).stat().st_mode) == 0o600
    assert b"PRIVATE KEY" in Path(system.client_key_file).read_bytes()
    wrong = form(
        "https://127.0.0.1:8443/cxml/punchin",
        auth_scheme="certificate",
        client_certificate=SimpleUploadedFile("cert.pem", b"not a certificate"),
        client_key=SimpleUploadedFile("key.pem", cert.private_key_pem.bytes()),
    )
    assert "not a PEM CERTIFICATE file" in admin_client().post(CONFIGURE, wrong).content.decode()


def _test_request_to(
    procurement: Any, acme: Acme, storefront: LiveASGIServer, answer: tuple[int, bytes]
) -> tuple[str, Any, list[bytes]]:
    """Press "Send test request" against a fake endpoint that fetches the cart, then
    answers ``answer`` (HTTP status, body); the result page, the fake, the carts."""
    fetched: list[bytes] = []

    async def handler(request: web.Request) -> web.Response:
        setup = parse(await request.read()).body.payload
        assert isinstance(setup, PunchOutSetupRequest)
        url = setup.extrinsic("PoomUrl")
        async with aiohttp.ClientSession() as session, session.get(url) as poom:
            fetched.append(await poom.read())
        return web.Response(status=answer[0], body=answer[1], content_type="text/xml")

    fake = procurement(handler)
    acme.configure(fake.url)
    browser = Browser(storefront.url).sign_in(demo.STORE_ADMIN)
    browser.get(CONFIGURE)
    return browser.post(CONFIGURE + "test").text, fake, fetched


@pytest.mark.django_db(transaction=True)
def test_send_test_request_sends_one_sample_line_in_test_mode(
    acme: Acme, dev: Any, storefront: LiveASGIServer, procurement: Any, dtd_dir: Path
) -> None:
    """A test is a test end to end: deploymentMode test, and a cart the purchasing
    system can read as a real one (one line, clearly a sample), not an empty one it
    must refuse."""
    _, fake, fetched = _test_request_to(
        procurement, acme, storefront, (200, setup_response(200, "OK", "http://127.0.0.1:9/s"))
    )

    sent = parse(fake.received[0].body)
    assert isinstance(sent.body, Request)
    assert sent.body.deployment_mode == "test"
    assert validate(fake.received[0].body, dtd_dir) == []
    poom = parse(fetched[0])
    assert isinstance(poom.body, Message)
    assert poom.body.deployment_mode == "test"
    assert isinstance(poom.body.payload, PunchOutOrderMessage)
    (line,) = poom.body.payload.items
    assert line.item_id.supplier_part_id == SAMPLE_PART_ID
    assert line.item_detail.descriptions[0].text.startswith("Sample line of a test request")
    assert poom.payload_id == sent.payload_id
    assert validate(fetched[0], dtd_dir) == []


@pytest.mark.django_db(transaction=True)
def test_send_test_request_accepted_says_so_in_the_admins_words(
    acme: Acme, dev: Any, storefront: LiveASGIServer, procurement: Any
) -> None:
    start = "http://127.0.0.1:9/punchin/test/abc?buyerExists=1"
    page, _, _ = _test_request_to(
        procurement, acme, storefront, (200, setup_response(200, "OK", start))
    )

    assert 'id="test-result" data-outcome="success"' in page
    assert 'id="test-message">Your purchasing system accepted the test request.<' in page
    assert f'<a href="{start}" id="test-start-page-link"' in page
    technical = page[page.index('<details class="panel" id="test-technical">') :]
    assert 'id="test-http-status">200<' in technical  # the protocol, one click away


@pytest.mark.django_db(transaction=True)
def test_send_test_request_refused_says_what_to_check(
    acme: Acme, dev: Any, storefront: LiveASGIServer, procurement: Any
) -> None:
    page, _, _ = _test_request_to(
        procurement, acme, storefront, (403, setup_response(403, "Unknown sender <yours>"))
    )

    assert "Your purchasing system refused the test request (HTTP 403)" in page
    assert "it did not recognise this store. Check the SharedSecret" in page
    assert "Unknown sender &lt;yours&gt;" in page  # its answer, escaped
    assert 'id="test-http-status">403<' in page
    assert 'id="test-answer"' in page


@pytest.mark.parametrize(
    ("verdict", "said"),
    [
        (Verdict(Outcome.TRANSIENT, ""), "did not reach your purchasing system. Try again"),
        (Verdict(Outcome.PERMANENT, ""), "could not be sent: check the endpoint URL"),
        (Verdict(Outcome.PERMANENT, "", http_status=404), "answered HTTP 404 without a cXML"),
        (
            Verdict(Outcome.PERMANENT, "", 200, 200, "OK"),
            "accepted the test request but sent no usable StartPage",
        ),
        (
            Verdict(Outcome.TRANSIENT, "", 500, 500, "Internal Server Error"),
            "had a problem with the test request (500 Internal Server Error). Try again",
        ),
        (
            Verdict(Outcome.PERMANENT, "", 400, 400, "Bad Request", "the cart has no lines"),
            "refused the test request (400 Bad Request). It said: the cart has no lines",
        ),
    ],
)
def test_a_test_request_outcome_says_what_to_check(verdict: Verdict, said: str) -> None:
    assert said in in_admin_words(verdict)


def test_strict_reading_is_offered_only_with_the_dtds(
    acme: Acme, settings: Any, dtd_dir: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings.PUNCHIN_DEV = True
    client = admin_client()
    monkeypatch.delenv("PUNCHIN_CXML_DTD_DIR", raising=False)
    strict = form("http://127.0.0.1:8002/cxml/punchin", reading_policy="strict")
    refused = client.post(CONFIGURE, strict)
    assert "validates against the official cXML DTDs" in refused.content.decode()
    assert not PurchasingSystem.objects.exists()

    monkeypatch.setenv("PUNCHIN_CXML_DTD_DIR", str(dtd_dir))
    assert client.post(CONFIGURE, strict).status_code == 302
    assert PurchasingSystem.objects.get().reading_policy == "strict"
    page = client.get(CONFIGURE).content.decode()
    assert re.search(r'<input[^>]*value="strict"[^>]*checked', page)


def test_the_admin_sets_how_punchout_works(acme: Acme, settings: Any) -> None:
    """PunchOut (P26-P33): where the purchasing system opens sessions, whether a new
    user is created on their first visit, and the form field the cart goes back in."""
    settings.PUNCHIN_DEV = True
    client = admin_client()
    page = client.get(CONFIGURE).content.decode()
    assert '<code id="punchout-url">http://testserver/cxml/punchout</code>' in page
    assert "Create PunchOut users on their first visit" in page
    assert "cxml-base64" in page
    assert client.post(CONFIGURE, form("http://127.0.0.1:8002/cxml/punchin")).status_code == 302
    system = PurchasingSystem.objects.get()
    assert (system.punchout_creates_users, system.punchout_cart_field) == (False, "cxml-urlencoded")
    changed = form(
        "http://127.0.0.1:8002/cxml/punchin",
        punchout_creates_users="on",
        punchout_cart_field="cxml-base64",
    )
    assert client.post(CONFIGURE, changed).status_code == 302
    system.refresh_from_db()
    assert (system.punchout_creates_users, system.punchout_cart_field) == (True, "cxml-base64")
