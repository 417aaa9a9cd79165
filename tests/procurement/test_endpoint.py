"""The Punch-in endpoint over real HTTP: the happy path and every refusal (P4-P6, P15,
P19, P22, P23; docs/security.md rows 1-17)."""

from __future__ import annotations

import asyncio
import http.client
import re
from dataclasses import replace
from datetime import timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import aiohttp
import pytest
import trustme
from django.conf import settings
from django.utils import timezone

from punchin.cxml import parse, serialize
from punchin.cxml.envelope import Response
from punchin.cxml.payload_id import new_payload_id, now
from punchin.cxml.punchout import ItemIn, PunchOutSetupResponse
from punchin.procurement.documents.models import CxmlDocument
from punchin.procurement.partners.credentials import digest, fingerprint_of_forwarded
from punchin.procurement.partners.models import CertificatePin, SupplierPartner
from punchin.procurement.punchin import services
from punchin.procurement.punchin.models import PunchInRequest
from punchin.procurement.requisitions.models import Requisition, StartPageToken
from punchin.web import demo
from punchin.web.inbound import UNAUTHENTICATED_PREFIX_BYTES, body_digest
from punchin.web.testing import LiveASGIServer
from tests.cxml.builders import item_in
from tests.procurement import builders
from tests.procurement.conftest import Answer, FakeStorefront, Page, basic, post

pytestmark = pytest.mark.django_db(transaction=True)


def endpoint(server: LiveASGIServer) -> str:
    return f"{server.url}/cxml/punchin"


def status_of(answer: Answer) -> tuple[int, str, str]:
    body = parse(answer.body).body
    assert isinstance(body, Response)
    return body.status.code, body.status.text, body.status.detail


def punch_in(
    server: LiveASGIServer,
    storefront: FakeStorefront,
    *,
    page: Page | None = None,
    authorization: str | None = None,
    **request: Any,
) -> tuple[Answer, str]:
    """Serve a cart at a fresh PoomUrl and POST the setup request that points to it."""
    document = builders.setup_request("", **request)
    url = storefront.serve(document.payload_id, page or Page(builders.poom(document.payload_id)))
    document = builders.setup_request(url, payload_id=document.payload_id, **request)
    answer = post(endpoint(server), serialize(document), authorization=authorization or basic())
    return answer, document.payload_id


def test_happy_path_creates_the_draft_requisition_and_answers_the_start_page(
    procurement: LiveASGIServer, storefront: FakeStorefront, assert_valid: Any
) -> None:
    answer, payload_id = punch_in(procurement, storefront)

    assert answer.status == 200, answer.body
    assert answer.content_type.startswith("text/xml")
    assert_valid(answer.body)
    document = parse(answer.body)
    assert isinstance(document.body, Response)
    assert document.body.status.code == 200
    payload = document.body.payload
    assert isinstance(payload, PunchOutSetupResponse)
    url = urlsplit(payload.start_page.url.value)
    assert f"{url.scheme}://{url.netloc}" == procurement.url
    assert re.fullmatch(r"/punchin/land/[A-Za-z0-9_-]{43}", url.path)
    # P22: the flags the supplier can read; the buyer's email is known (buyerExists=1).
    assert parse_qs(url.query) == {
        "requiresAuthByCredentials": ["1"],
        "requiresAuthBySSO": ["0"],
        "buyerExists": ["1"],
        "mobileSupported": ["1"],
        "internetSupported": ["1"],
    }

    requisition = Requisition.objects.get()
    assert requisition.state == "draft"
    assert requisition.requester is not None
    assert requisition.requester.email == demo.PUNCHIN_BUYER
    assert requisition.source_payload_id == requisition.poom_payload_id == payload_id
    assert requisition.total == Decimal("12.30")  # 2 x 4.50 + 1.5 x 2.20
    assert requisition.currency == "USD"
    lines = list(requisition.lines.all())
    assert [
        (ln.supplier_part_id, ln.quantity, ln.unit_of_measure, ln.unit_price) for ln in lines
    ] == [
        ("PEN-BLK-12", Decimal(2), "BX", Decimal("4.50")),
        ("CAB-CAT6", Decimal("1.5"), "MTR", Decimal("2.20")),
    ]
    assert lines[0].unspsc == "44121704"
    assert lines[0].description == "Gel pens, black, box of 12"
    assert lines[0].extrinsics == {"LineType": "Quantity"}
    assert StartPageToken.objects.get().buyer_exists is True

    # The audit trail: the setup request with our answer, and the fetched cart (P5).
    request_log = CxmlDocument.objects.get(document_type="PunchOutSetupRequest")
    assert bytes(request_log.answer) == answer.body
    assert request_log.payload_id == payload_id
    assert request_log.status_code == 200
    assert request_log.peer == demo.STORE_NAME
    # Secrets are never logged: the stored request has its SharedSecret redacted.
    assert demo.SHARED_SECRET.encode() not in bytes(request_log.raw)
    assert b"<SharedSecret>***</SharedSecret>" in bytes(request_log.raw)
    cart_log = CxmlDocument.objects.get(document_type="PunchOutOrderMessage")
    assert bytes(cart_log.raw) == storefront.pages[payload_id].body
    assert cart_log.status_code == 200
    assert storefront.fetched == [payload_id]


def test_unknown_email_still_lands_with_buyer_exists_0(
    procurement: LiveASGIServer, storefront: FakeStorefront
) -> None:
    answer, _ = punch_in(procurement, storefront, email="stranger@elsewhere.example")
    assert answer.status == 200
    assert "buyerExists=0" in answer.body.decode()
    requisition = Requisition.objects.get()
    assert requisition.requester is None
    assert requisition.buyer_email == "stranger@elsewhere.example"


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        (b"this is not xml", "not well-formed"),
        (b"<cXML><Request>", "not well-formed"),
        (
            b'<?xml version="1.0"?><!DOCTYPE cXML [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
            b"<cXML>&x;</cXML>",
            "DOCTYPE",
        ),
        (
            b'<?xml version="1.0"?><!DOCTYPE cXML [<!ENTITY a "aaaaaaaaaa">'
            b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]><cXML>&b;</cXML>',
            "DOCTYPE",
        ),
        ("<?xml version='1.0' encoding='UTF-16'?><cXML/>".encode("utf-16"), "UTF-8"),
    ],
    ids=["not-xml", "truncated", "external-entity", "billion-laughs", "utf-16"],
)
def test_bad_and_hostile_xml_is_a_400_with_a_cxml_status(
    procurement: LiveASGIServer, assert_valid: Any, body: bytes, reason: str
) -> None:
    answer = post(endpoint(procurement), body, authorization=basic())
    assert answer.status == 400
    assert_valid(answer.body)
    code, _, detail = status_of(answer)
    assert code == 400
    assert reason in detail
    assert not PunchInRequest.objects.exists()
    # The audit invariant: even an unreadable document is stored as received.
    assert bytes(CxmlDocument.objects.get().raw) == body


def test_other_requests_and_operations_are_not_implemented(
    procurement: LiveASGIServer, storefront: FakeStorefront, assert_valid: Any
) -> None:
    answer, _ = punch_in(procurement, storefront, operation="edit")
    assert status_of(answer)[0] == 450
    assert_valid(answer.body)
    assert not Requisition.objects.exists()


def test_wrong_secret_and_unknown_sender_get_the_same_403(
    procurement: LiveASGIServer, storefront: FakeStorefront, assert_valid: Any
) -> None:
    wrong_secret, _ = punch_in(procurement, storefront, secret="guess")
    unknown_sender, _ = punch_in(procurement, storefront, sender="SomeoneElse")
    empty_secret, _ = punch_in(procurement, storefront, secret="")
    for answer in (wrong_secret, unknown_sender, empty_secret):
        assert answer.status == 403
        assert_valid(answer.body)
    # P23 / docs/security.md row 9: nothing tells the two refusals apart.
    assert status_of(wrong_secret) == status_of(unknown_sender) == status_of(empty_secret)
    assert status_of(wrong_secret)[2] == "SharedSecret invalid or sender unknown"
    assert storefront.fetched == []
    assert not Requisition.objects.exists()


def test_a_request_from_an_unknown_sender_leaves_only_a_bounded_record(
    procurement: LiveASGIServer, storefront: FakeStorefront
) -> None:
    """Until the sender is known the log keeps its size, keyed digest and first
    kilobyte, not the body: refused requests cannot fill the disk (docs/architecture.md,
    "The audit trail")."""
    document = builders.setup_request("https://store.test/poom", secret="guess")
    filler = b"<!-- " + b"x" * 200_000 + b" -->\n"
    data = serialize(document).replace(b"<cXML ", filler + b"<cXML ", 1)
    answer = post(endpoint(procurement), data, authorization=basic())

    assert answer.status == 403, answer.body
    entry = CxmlDocument.objects.get(document_type="PunchOutSetupRequest")
    assert entry.size == len(data)
    assert entry.body_digest == body_digest(data)
    assert len(bytes(entry.raw)) == UNAUTHENTICATED_PREFIX_BYTES
    assert (entry.status_code, bytes(entry.answer)) == (403, answer.body)


@pytest.mark.parametrize(
    ("quota", "kept"),
    [
        ({"per_sender": 3, "per_address": 100, "overall": 100}, 6),  # 3 guesses, 3 garbage
        ({"per_sender": 100, "per_address": 4, "overall": 100}, 4),
        ({"per_sender": 100, "per_address": 100, "overall": 2}, 2),
    ],
    ids=["per-sender", "per-address", "overall"],
)
def test_records_of_unknown_senders_stop_at_their_quota_and_answers_do_not(
    procurement: LiveASGIServer,
    storefront: FakeStorefront,
    settings: Any,
    quota: dict[str, int],
    kept: int,
) -> None:
    """The disk attack of issue 12: records of unauthenticated requests are bounded per
    claimed Sender, per client address and overall, while every request still gets its
    answer and the known partner's records are untouched (docs/security.md row 3)."""
    settings.PUNCHIN_UNAUTHENTICATED_LOG_PER_HOUR = quota
    guess = serialize(builders.setup_request("https://store.test/poom", secret="guess"))
    for _ in range(5):
        assert post(endpoint(procurement), guess, authorization=basic()).status == 403
    for n in range(5):  # garbage claims no Sender
        assert post(endpoint(procurement), b"<junk %d" % n, authorization=basic()).status == 400
    claimed = CxmlDocument.objects.exclude(claimed_sender="")
    assert claimed.count() == kept
    assert set(claimed.values_list("claimed_sender", flat=True)) <= {
        f"{demo.CREDENTIAL_DOMAIN}:{demo.STORE_IDENTITY}",
        "(unreadable)",
    }

    answer, _ = punch_in(procurement, storefront)
    assert answer.status == 200, answer.body
    assert CxmlDocument.objects.filter(claimed_sender="", status_code=200).exists()


def test_an_accepted_request_is_logged_whole_with_its_secret_masked(
    procurement: LiveASGIServer, storefront: FakeStorefront
) -> None:
    answer, payload_id = punch_in(procurement, storefront)

    assert answer.status == 200, answer.body
    entry = CxmlDocument.objects.get(document_type="PunchOutSetupRequest")
    raw = bytes(entry.raw)
    assert entry.payload_id == payload_id
    assert raw.rstrip().endswith(b"</cXML>")
    assert b"<SharedSecret>***</SharedSecret>" in raw
    assert entry.size >= len(raw)
    assert (entry.status_code, bytes(entry.answer)) == (200, answer.body)


@pytest.mark.parametrize("authorization", [None, basic(password="wrong")], ids=["none", "wrong"])
def test_without_the_secret_a_known_sender_and_an_unknown_one_get_the_same_answer(
    procurement: LiveASGIServer, storefront: FakeStorefront, authorization: str | None
) -> None:
    """No Authorization (or a wrong one) must not tell which Sender identities exist:
    the SharedSecret is judged first, so both get the one 403."""
    answers = [
        post(
            endpoint(procurement),
            serialize(builders.setup_request("https://store.test/poom", **fields)),
            authorization=authorization,
        )
        for fields in ({"secret": "guess"}, {"sender": "SomeoneElse", "secret": "guess"})
    ]
    assert [answer.status for answer in answers] == [403, 403]
    assert status_of(answers[0]) == status_of(answers[1])
    assert storefront.fetched == []


@pytest.mark.parametrize("secret", [demo.SHARED_SECRET, "guess"], ids=["known", "unknown"])
def test_an_ariba_style_request_is_answered_on_its_credentials(
    procurement: LiveASGIServer, storefront: FakeStorefront, secret: str
) -> None:
    """Ariba's published examples write the DOCTYPE host as xml.cXML.org, and cXML 1.1
    documents carry version 1.1.010: read, then judged on the credentials, never 400."""
    document = builders.setup_request("")
    url = storefront.serve(document.payload_id, Page(builders.poom(document.payload_id)))
    document = builders.setup_request(url, payload_id=document.payload_id, secret=secret)
    _, rest = serialize(document).split(b"<cXML ", 1)
    rest = re.sub(rb'version="[0-9.]+"', b'version="1.1.010"', rest, count=1)
    ariba = (
        b'<?xml version="1.0" encoding="UTF-8"?>\n'
        b'<!DOCTYPE cXML SYSTEM "http://xml.cXML.org/schemas/cXML/1.1.010/cXML.dtd">\n'
        b"<cXML " + rest
    )
    answer = post(endpoint(procurement), ariba, authorization=basic())
    assert answer.status == (200 if secret == demo.SHARED_SECRET else 403), answer.body


def test_two_sender_credentials_with_secrets_are_refused(
    procurement: LiveASGIServer, storefront: FakeStorefront
) -> None:
    # An attacker's credential first, the real one second: never "first one wins".
    credentials = (
        builders.credential("Attacker", "x"),
        builders.credential(demo.STORE_IDENTITY, demo.SHARED_SECRET),
    )
    answer, _ = punch_in(procurement, storefront, sender_credentials=credentials)
    assert answer.status == 400
    assert storefront.fetched == []


@pytest.mark.parametrize(
    "authorization",
    [None, basic(password="wrong"), basic(user="someone-else"), "Bearer " + "x" * 20],
    ids=["missing", "wrong-password", "wrong-user", "wrong-scheme"],
)
def test_basic_auth_failures_are_401(
    procurement: LiveASGIServer,
    storefront: FakeStorefront,
    assert_valid: Any,
    authorization: str | None,
) -> None:
    document = builders.setup_request(storefront.serve("x", Page(b"")))
    answer = post(endpoint(procurement), serialize(document), authorization=authorization)
    assert answer.status == 401
    assert_valid(answer.body)
    assert storefront.fetched == []


def _switch_to(scheme: str, **fields: str) -> None:

    SupplierPartner.objects.update(auth_scheme=scheme, **fields)


def test_bearer_auth(procurement: LiveASGIServer, storefront: FakeStorefront) -> None:

    _switch_to("bearer", bearer_token_digest=digest("t0ken-for-the-store"))
    wrong, _ = punch_in(procurement, storefront, authorization="Bearer not-the-token")
    assert wrong.status == 401
    right, _ = punch_in(procurement, storefront, authorization="Bearer t0ken-for-the-store")
    assert right.status == 200, right.body


def test_forwarded_certificate_is_ignored_from_a_non_proxy_address(
    procurement: LiveASGIServer, storefront: FakeStorefront, settings: Any
) -> None:

    ca = trustme.CA()
    pem = ca.issue_cert("store.example").cert_chain_pems[0].bytes().decode()
    forwarded = {"X-Client-Verify": "SUCCESS", "X-Client-Cert": pem.replace("\n", "%0A")}
    partner = SupplierPartner.objects.get()
    fingerprint = fingerprint_of_forwarded(forwarded["X-Client-Cert"])
    assert fingerprint is not None
    CertificatePin.objects.create(partner=partner, sha256=fingerprint)
    _switch_to("certificate")

    # No proxy configured: the header is a forgery whoever sends it (docs/security.md row 13).
    document = builders.setup_request("http://127.0.0.1:1/poom/none")
    answer = post(endpoint(procurement), serialize(document), headers=forwarded)
    assert answer.status == 401

    settings.PUNCHIN_TRUSTED_PROXIES = ["127.0.0.1"]
    trusted = builders.setup_request("")
    url = storefront.serve(trusted.payload_id, Page(builders.poom(trusted.payload_id)))
    trusted = builders.setup_request(url, payload_id=trusted.payload_id)
    answer = post(endpoint(procurement), serialize(trusted), headers=forwarded)
    assert answer.status == 200, answer.body

    # A certificate of the right CA pinned to no partner: 403.
    other = ca.issue_cert("other.example").cert_chain_pems[0].bytes().decode()
    answer = post(
        endpoint(procurement),
        serialize(builders.setup_request(url)),
        headers={**forwarded, "X-Client-Cert": other.replace("\n", "%0A")},
    )
    assert answer.status == 403


def test_poom_url_on_a_foreign_host_is_refused_before_connecting(
    procurement: LiveASGIServer, storefront: FakeStorefront, assert_valid: Any
) -> None:
    document = builders.setup_request("")
    url = storefront.serve(
        document.payload_id, Page(builders.poom(document.payload_id)), host="localhost"
    )
    document = builders.setup_request(url, payload_id=document.payload_id)
    answer = post(endpoint(procurement), serialize(document), authorization=basic())
    assert answer.status == 400
    assert_valid(answer.body)
    assert "PoomUrl not allowed" in status_of(answer)[2]
    assert storefront.fetched == []


def test_poom_url_on_another_port_of_the_allowed_host_is_refused_without_detail(
    procurement: LiveASGIServer, storefront: FakeStorefront, assert_valid: Any
) -> None:
    # The partner allows 127.0.0.1:<store port>; procurement's own admin listens on
    # another port of the same host. Not fetched, and the answer names neither.
    document = builders.setup_request("")
    storefront.serve(document.payload_id, Page(builders.poom(document.payload_id)))
    port = urlsplit(procurement.url).port
    url = f"http://127.0.0.1:{port}/admin/"
    document = builders.setup_request(url, payload_id=document.payload_id)
    answer = post(endpoint(procurement), serialize(document), authorization=basic())
    assert answer.status == 400
    assert_valid(answer.body)
    text = status_of(answer)[2]
    assert "PoomUrl not allowed" in text
    assert str(port) not in text
    assert "127.0.0.1" not in text
    assert storefront.fetched == []


def test_poom_url_over_http_is_refused_outside_development(
    procurement: LiveASGIServer, storefront: FakeStorefront, settings: Any
) -> None:
    settings.PUNCHIN_DEV = False
    answer, _ = punch_in(procurement, storefront)
    assert answer.status == 400
    assert "https" in status_of(answer)[2]
    assert storefront.fetched == []


def test_expired_poom_url_is_a_400_and_creates_nothing(
    procurement: LiveASGIServer, storefront: FakeStorefront, assert_valid: Any
) -> None:
    # P19: after a minute the supplier answers cXML Status 500; retrying cannot help.
    expired = (
        b'<?xml version="1.0" encoding="UTF-8"?>\n<cXML payloadID="1@store" '
        b'timestamp="2024-01-01T00:00:00+00:00"><Response><Status code="500" '
        b'text="Internal Server Error">cart expired</Status></Response></cXML>'
    )
    answer, _ = punch_in(procurement, storefront, page=Page(expired, status=500))
    assert answer.status == 400
    assert_valid(answer.body)
    assert "cart expired" in status_of(answer)[2]
    assert not Requisition.objects.exists()


def test_unreachable_poom_url_is_a_500_and_the_retry_is_processed(
    procurement: LiveASGIServer, storefront: FakeStorefront, settings: Any
) -> None:
    settings.PUNCHIN_POOM_DEADLINE_SECONDS = 0.5
    document = builders.setup_request("")
    slow = storefront.serve(document.payload_id, Page(b"", delay=2))
    document = builders.setup_request(slow, payload_id=document.payload_id)
    first = post(endpoint(procurement), serialize(document), authorization=basic())
    assert first.status == 500  # P23: our side could not complete; the supplier retries
    assert not PunchInRequest.objects.exists()

    storefront.pages[document.payload_id] = Page(builders.poom(document.payload_id))
    retry = post(endpoint(procurement), serialize(document), authorization=basic())
    assert retry.status == 200, retry.body
    assert Requisition.objects.count() == 1


def test_poom_with_another_payload_id_is_refused(
    procurement: LiveASGIServer, storefront: FakeStorefront
) -> None:
    answer, _ = punch_in(procurement, storefront, page=Page(builders.poom("other@store")))
    assert answer.status == 400
    assert "differs from the PunchOutSetupRequest" in status_of(answer)[2]
    assert not Requisition.objects.exists()


def _line(number: int, quantity: str | None = None, currency: str | None = None) -> ItemIn:
    item = item_in(number)
    if quantity is not None:
        item = replace(item, quantity=Decimal(quantity))
    if currency is not None:
        price = item.item_detail.unit_price
        item = replace(
            item,
            item_detail=replace(
                item.item_detail,
                unit_price=replace(price, money=replace(price.money, currency=currency)),
            ),
        )
    return item


def test_cart_garbage_is_refused_with_line_level_reasons(
    procurement: LiveASGIServer, storefront: FakeStorefront, assert_valid: Any
) -> None:
    document = builders.setup_request("")
    cart = builders.poom(
        document.payload_id, items=(_line(1, quantity="0"), _line(2, currency="EUR"))
    )
    url = storefront.serve(document.payload_id, Page(cart))
    document = builders.setup_request(url, payload_id=document.payload_id)
    answer = post(endpoint(procurement), serialize(document), authorization=basic())
    assert answer.status == 400
    assert_valid(answer.body)
    detail = status_of(answer)[2]
    assert "line 1: quantity 0 is not positive" in detail
    assert "line 2: currency EUR differs from the cart's USD" in detail
    assert not Requisition.objects.exists()
    assert CxmlDocument.objects.get(document_type="PunchOutOrderMessage").status_code == 400


def test_total_that_disagrees_with_the_lines_is_refused(
    procurement: LiveASGIServer, storefront: FakeStorefront
) -> None:
    document = builders.setup_request("")
    cart = builders.poom(document.payload_id, total=Decimal("1.00"))
    url = storefront.serve(document.payload_id, Page(cart))
    document = builders.setup_request(url, payload_id=document.payload_id)
    answer = post(endpoint(procurement), serialize(document), authorization=basic())
    assert answer.status == 400
    assert "does not equal the sum of the lines 12.30" in status_of(answer)[2]


def test_replayed_payload_id_returns_the_first_answer_byte_for_byte(
    procurement: LiveASGIServer, storefront: FakeStorefront
) -> None:
    document = builders.setup_request("")
    url = storefront.serve(document.payload_id, Page(builders.poom(document.payload_id)))
    data = serialize(builders.setup_request(url, payload_id=document.payload_id))
    first = post(endpoint(procurement), data, authorization=basic())
    again = post(endpoint(procurement), data, authorization=basic())
    assert first.status == again.status == 200
    assert again.body == first.body
    assert Requisition.objects.count() == 1
    assert storefront.fetched == [document.payload_id]  # the cart was fetched once


def test_same_payload_id_with_another_body_is_a_409(
    procurement: LiveASGIServer, storefront: FakeStorefront, assert_valid: Any
) -> None:
    answer, payload_id = punch_in(procurement, storefront)
    assert answer.status == 200
    url = f"http://127.0.0.1:{storefront.port}/poom/{payload_id}"
    other = builders.setup_request(url, payload_id=payload_id, email="someone@acme.example")
    conflict = post(endpoint(procurement), serialize(other), authorization=basic())
    assert conflict.status == 409
    assert_valid(conflict.body)
    assert Requisition.objects.count() == 1


def test_two_concurrent_copies_make_one_requisition(
    procurement: LiveASGIServer, storefront: FakeStorefront
) -> None:
    document = builders.setup_request("")
    # A slow cart keeps the first copy in flight while the others arrive.
    page = Page(builders.poom(document.payload_id), delay=0.3)
    url = storefront.serve(document.payload_id, page)
    data = serialize(builders.setup_request(url, payload_id=document.payload_id))

    async def send_all() -> list[tuple[int, bytes]]:
        async with aiohttp.ClientSession() as session:

            async def one() -> tuple[int, bytes]:
                async with session.post(
                    endpoint(procurement),
                    data=data,
                    headers={"Authorization": basic(), "Content-Type": "text/xml"},
                ) as response:
                    return response.status, await response.read()

            return await asyncio.gather(*(one() for _ in range(8)))

    answers = asyncio.run(send_all())
    assert {status for status, _ in answers} == {200}
    assert len({body for _, body in answers}) == 1  # every copy got the first answer
    assert Requisition.objects.count() == 1
    assert storefront.fetched == [document.payload_id]


def test_oversized_body_is_a_413_before_django_reads_it(procurement: LiveASGIServer) -> None:
    """The answer comes from the declared length alone, before any of the body is sent.

    (Sending the body as well would race: the server answers and closes with
    unread data, and the reset can discard its answer in the client's kernel; nginx in
    front does a lingering close, uvicorn does not.)
    """
    parts = urlsplit(endpoint(procurement))
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    try:
        connection.putrequest("POST", parts.path)
        connection.putheader("Content-Type", "text/xml; charset=UTF-8")
        connection.putheader("Authorization", basic())
        connection.putheader("Content-Length", str(settings.PUNCHIN_MAX_BODY_BYTES + 1))
        connection.endheaders()
        response = connection.getresponse()
        answer = Answer(response.status, response.read(), response.getheader("Content-Type", ""))
    finally:
        connection.close()
    assert answer.status == 413
    assert status_of(answer)[0] == 413


def test_get_is_not_allowed(procurement: LiveASGIServer) -> None:
    assert post(endpoint(procurement), b"", method="GET").status == 405


def test_the_published_sample_shape_is_accepted(
    procurement: LiveASGIServer, storefront: FakeStorefront, assert_valid: Any
) -> None:
    """P21, P25: DOCTYPE of 1.2.014 with version="1.2.023", credential domain NetworkID,
    empty BuyerCookie: the sample itself, with our demo store's values filled in."""

    sample = (
        Path(__file__).resolve().parents[3] / "shared/cxml/punchin-samples/PunchOutSetupRequest.xml"
    ).read_text()
    payload_id = new_payload_id("store.test")
    url = storefront.serve(payload_id, Page(builders.poom(payload_id)))
    for old, new in (
        ("1615572468.744701@amazon.com", payload_id),
        ("2021-03-12T10:07:48-08:00", now().isoformat()),
        ("AmazonInternalProcurement1754514719", demo.STORE_IDENTITY),
        ("1a1a1a1a1a", demo.SHARED_SECRET),
        ("mathieud@amazon.com", demo.PUNCHIN_BUYER),
        (
            "https://www.amazon.com/eProcurement/poom?pid=c83734c0-96c9-483b-8850-d460a390c77e",
            url,
        ),
    ):
        assert old in sample
        sample = sample.replace(old, new)
    assert '<!DOCTYPE cXML SYSTEM "http://xml.cxml.org/schemas/cXML/1.2.014/cXML.dtd">' in sample
    answer = post(endpoint(procurement), sample.encode(), authorization=basic())
    assert answer.status == 200, answer.body
    assert_valid(answer.body)
    assert Requisition.objects.get().total == builders.CART_TOTAL


def test_a_copy_still_waiting_after_the_limit_gets_500_and_no_second_requisition(
    procurement: LiveASGIServer, storefront: FakeStorefront, settings: Any
) -> None:
    settings.PUNCHIN_INFLIGHT_WAIT_SECONDS = 0.2
    document = builders.setup_request("")
    url = storefront.serve(document.payload_id, Page(builders.poom(document.payload_id), delay=1.0))
    data = serialize(builders.setup_request(url, payload_id=document.payload_id))

    async def both() -> list[int]:
        async with aiohttp.ClientSession() as session:

            async def one(delay: float) -> int:
                await asyncio.sleep(delay)
                async with session.post(
                    endpoint(procurement), data=data, headers={"Authorization": basic()}
                ) as response:
                    await response.read()
                    return response.status

            return await asyncio.gather(one(0), one(0.2))

    # The second copy waits for the first, then asks the supplier to retry (P23: 500).
    assert asyncio.run(both()) == [200, 500]
    assert Requisition.objects.count() == 1
    assert post(endpoint(procurement), data, authorization=basic()).status == 200


def test_a_slow_cart_fetch_keeps_its_claim_while_a_copy_waits(
    procurement: LiveASGIServer, storefront: FakeStorefront, settings: Any
) -> None:
    """The holder renews its lease while it works: a copy arriving after the lease's
    first term waits for the answer instead of taking the claim over."""
    settings.PUNCHIN_CLAIM_LEASE_SECONDS = 1.0
    document = builders.setup_request("")
    url = storefront.serve(document.payload_id, Page(builders.poom(document.payload_id), delay=3.5))
    data = serialize(builders.setup_request(url, payload_id=document.payload_id))

    async def both() -> list[tuple[int, bytes]]:
        async with aiohttp.ClientSession() as session:

            async def one() -> tuple[int, bytes]:
                async with session.post(
                    endpoint(procurement), data=data, headers={"Authorization": basic()}
                ) as response:
                    return response.status, await response.read()

            first = asyncio.ensure_future(one())
            while not storefront.fetched:  # the first copy is fetching the cart
                await asyncio.sleep(0.01)
            await asyncio.sleep(2.0)  # two lease terms: renewed, or it would be stale
            copy = await one()
            return [await first, copy]

    first, copy = asyncio.run(both())
    assert first[0] == 200, first[1]
    assert copy == first
    assert len(storefront.fetched) == 1
    assert Requisition.objects.count() == 1


def test_a_claim_left_by_a_dead_process_is_taken_over(
    procurement: LiveASGIServer, storefront: FakeStorefront
) -> None:

    document = builders.setup_request("")
    url = storefront.serve(document.payload_id, Page(builders.poom(document.payload_id)))
    data = serialize(builders.setup_request(url, payload_id=document.payload_id))

    stale = PunchInRequest.objects.create(
        partner=SupplierPartner.objects.get(),
        payload_id=document.payload_id,
        body_sha256=body_digest(data),
    )
    PunchInRequest.objects.filter(pk=stale.pk).update(
        lease_until=timezone.now() - timedelta(seconds=1)
    )
    answer = post(endpoint(procurement), data, authorization=basic())
    assert answer.status == 200, answer.body
    assert Requisition.objects.count() == 1


def test_an_unexpected_failure_is_a_500_with_nothing_half_stored(
    procurement: LiveASGIServer,
    storefront: FakeStorefront,
    monkeypatch: pytest.MonkeyPatch,
    assert_valid: Any,
) -> None:
    """docs/security.md row 22: no stack trace, no requisition, the claim released, so the
    supplier's retry (P23) is processed normally."""

    real = services.create_draft

    def crash_after_writing(**kwargs: Any) -> Any:
        real(**kwargs)  # the requisition and its lines are written, then:
        raise RuntimeError("database went away")

    monkeypatch.setattr(services, "create_draft", crash_after_writing)
    document = builders.setup_request("")
    url = storefront.serve(document.payload_id, Page(builders.poom(document.payload_id)))
    data = serialize(builders.setup_request(url, payload_id=document.payload_id))
    answer = post(endpoint(procurement), data, authorization=basic())
    assert answer.status == 500
    assert_valid(answer.body)
    assert b"database went away" not in answer.body
    assert b"Traceback" not in answer.body
    assert not Requisition.objects.exists()
    assert not PunchInRequest.objects.exists()
    assert CxmlDocument.objects.get(document_type="PunchOutSetupRequest").status_code == 500

    monkeypatch.setattr(services, "create_draft", real)
    retry = post(endpoint(procurement), data, authorization=basic())
    assert retry.status == 200, retry.body
    assert Requisition.objects.count() == 1
