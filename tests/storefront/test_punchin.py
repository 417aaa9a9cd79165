"""Punch-in submission over real HTTP: the live storefront, a fake e-procurement side.

Every branch of P23, the setup request's headers (P20), BuyerCookie (P17), the
Extrinsics (P18), the PoomUrl with the same payloadID (P15) and its expiry (P19), and
DTD validity of everything we send.
"""

from __future__ import annotations

import asyncio
import base64
import socket
import time
from datetime import timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from aiohttp import web
from django.utils import timezone

from punchin.cxml import parse
from punchin.cxml.delivery import address_of, payment_method_of
from punchin.cxml.envelope import Message, Request, Response
from punchin.cxml.punchout import PunchOutOrderMessage, PunchOutSetupRequest
from punchin.cxml.validate import validate
from punchin.storefront.cart import services as cart
from punchin.storefront.cart.models import DELIVERY_PRICES
from punchin.storefront.cart.services import Checkout
from punchin.storefront.documents.models import CxmlDocument
from punchin.storefront.submissions import services as submissions
from punchin.storefront.submissions.models import Attempt, Poom, PunchInSubmission, State
from punchin.web import demo
from punchin.web.testing import LiveASGIServer

from .conftest import Acme, Browser, FakeProcurement, product, setup_response
from .factories import ADDRESS, ADDRESS_FORM

pytestmark = pytest.mark.django_db(transaction=True)

FINAL = {"accepted", "refused", "failed"}
START_PAGE = "http://127.0.0.1:9/punchin/land?k=abc&buyerExists=1&mobileSupported=1"


def submit(acme: Acme, base_url: str, items: tuple[tuple[str, int], ...] = ()) -> PunchInSubmission:
    for part_id, quantity in items or (("OF-10001", 2), ("IT-20001", 1)):
        cart.add(acme.buyer.user, product(part_id), quantity)
    checkout = Checkout(
        group=acme.punchin_group,
        address=ADDRESS,
        payment_method="po",
        delivery_speed="standard",
    )
    return submissions.submit(acme.buyer, checkout, base_url)


def drive(browser: Browser, submission: PunchInSubmission, limit: int = 10) -> list[dict[str, Any]]:
    """POST attempts like the page's script does, until the submission is final."""
    seen: list[dict[str, Any]] = []
    for _ in range(limit):
        reply = browser.post(
            f"/punchin/submissions/{submission.pk}/attempt", Accept="application/json"
        )
        assert reply.status == 200, reply.text
        progress = reply.json()
        seen.append(progress)
        if progress["state"] in FINAL:
            return seen
        time.sleep(progress["retry_in"])
    raise AssertionError(f"not final after {limit} calls: {seen[-1]}")


def fetching_procurement(fetched: list[bytes], start_page: str = START_PAGE) -> Any:
    """Like a real e-procurement system: fetch the PoomUrl (P5), then answer 200."""

    async def handler(request: web.Request) -> web.Response:
        document = parse(await request.read())
        assert isinstance(document.body, Request)
        setup = document.body.payload
        assert isinstance(setup, PunchOutSetupRequest)
        async with aiohttp.ClientSession() as session, session.get(setup.extrinsic("PoomUrl")) as r:
            assert r.status == 200
            fetched.append(await r.read())
        return web.Response(body=setup_response(200, "OK", start_page), content_type="text/xml")

    return handler


def answering(*codes: int) -> Any:
    """Answer each request with the next code (the last one repeats)."""
    remaining = list(codes)

    async def handler(request: web.Request) -> web.Response:
        code = remaining.pop(0) if len(remaining) > 1 else remaining[0]
        body = setup_response(code, f"partner says {code}", START_PAGE if code == 200 else None)
        return web.Response(status=code, body=body, content_type="text/xml")

    return handler


def test_accepted_redirects_to_start_page_through_the_pages(
    acme: Acme, dev: Any, storefront: LiveASGIServer, procurement: Any, dtd_dir: Path
) -> None:
    """P3, P4, P5, P7: check out, submit for approval, land on the StartPage URL."""
    fetched: list[bytes] = []
    fake: FakeProcurement = procurement(fetching_procurement(fetched))
    acme.configure(fake.url)
    browser = Browser(storefront.url).sign_in(demo.PUNCHIN_BUYER)
    for part_id, quantity in (("OF-10001", "2"), ("LB-30001", "3")):
        added = browser.post(
            "/cart/add", {"product": str(product(part_id).pk), "quantity": quantity}
        )
        assert added.status == 302
    checkout = browser.post(
        "/checkout/",
        {
            "group": str(acme.punchin_group.pk),
            **ADDRESS_FORM,
            "payment_method": "po",
            "delivery_speed": "two-day",
        },
    )
    assert checkout.headers.get("location") == "/checkout/review", checkout.text
    assert "Submit order for approval" in browser.get("/checkout/review").text
    submitted = browser.post("/checkout/submit")
    assert submitted.status == 302
    page_path = submitted.headers["location"]
    assert "Sending to your purchasing system" in browser.get(page_path).text
    submission = PunchInSubmission.objects.get()

    progress = drive(browser, submission)

    assert progress[-1]["state"] == "accepted"
    assert progress[-1]["redirect_url"] == START_PAGE
    assert len(fake.received) == 1
    poom = parse(fetched[0])
    assert isinstance(poom.body, Message)
    assert isinstance(poom.body.payload, PunchOutOrderMessage)
    items = poom.body.payload.items
    assert [(i.item_id.supplier_part_id, i.quantity) for i in items] == [
        ("OF-10001", Decimal(2)),
        ("LB-30001", Decimal(3)),
    ]
    lines_total = 2 * product("OF-10001").price + 3 * product("LB-30001").price
    # P41: the chosen address and speed; the speed's price counts in the Total.
    header = poom.body.payload.header
    assert header.shipping is not None
    assert header.shipping.money.amount == DELIVERY_PRICES["two-day"] == Decimal("12.00")
    assert header.shipping.description.text == "Two-day"
    assert header.total.money.amount == lines_total + Decimal("12.00")
    assert header.ship_to is not None
    assert address_of(header.ship_to.address) == ADDRESS
    assert {payment_method_of(item.extrinsics) for item in items} == {"po"}
    assert validate(fetched[0], dtd_dir) == []
    # Without script, the same endpoint redirects the browser to the StartPage.
    assert browser.get(page_path).text.count(START_PAGE.replace("&", "&amp;")) == 1
    assert browser.get("/cart/").text.count("is empty") == 1


def test_setup_request_headers_cookie_extrinsics_and_validity(
    acme: Acme, dev: Any, storefront: LiveASGIServer, procurement: Any, dtd_dir: Path
) -> None:
    fetched: list[bytes] = []
    fake = procurement(fetching_procurement(fetched))
    acme.configure(fake.url)
    submission = submit(acme, storefront.url)
    drive(Browser(storefront.url).sign_in(demo.PUNCHIN_BUYER), submission)

    received = fake.received[0]
    headers = {k.lower(): v for k, v in received.headers.items()}
    # P20: exactly these headers, plus the configured basic auth (P10).
    assert headers["content-type"] == "text/xml; charset=UTF-8"
    assert headers["accept"] == "text/xml"
    assert headers["user-agent"] == "Punchin Store PunchIn 1.0"
    assert headers["connection"] == "Keep-Alive"
    credentials = f"{demo.ENDPOINT_USER}:{demo.ENDPOINT_PASSWORD}".encode()
    assert headers["authorization"] == "Basic " + base64.b64encode(credentials).decode()
    assert received.body.startswith(b'<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE cXML')
    assert validate(received.body, dtd_dir) == []

    document = parse(received.body)
    assert isinstance(document.body, Request)
    setup = document.body.payload
    assert isinstance(setup, PunchOutSetupRequest)
    assert document.body.deployment_mode == "production"
    assert setup.operation == "create"
    assert setup.buyer_cookie.value == ""  # P17
    assert setup.extrinsic("UserEmail") == demo.PUNCHIN_BUYER  # P18
    poom_url = setup.extrinsic("PoomUrl")
    assert poom_url is not None
    assert poom_url.startswith(storefront.url + "/cxml/poom/")
    assert len(poom_url.rsplit("/", 1)[1]) >= 43  # token_urlsafe(32)
    assert document.header is not None
    sender = document.header.sender.credentials[0]
    assert sender.shared_secret is not None
    assert sender.shared_secret.value == demo.SHARED_SECRET  # P16
    assert document.header.sender.user_agent == "Punchin Store PunchIn 1.0"
    # P15: the POOM behind the PoomUrl carries the request's payloadID.
    poom = parse(fetched[0])
    assert poom.payload_id == document.payload_id == submission.payload_id
    assert PunchInSubmission.objects.exclude(payload_id=document.payload_id).count() == 0


def test_poom_url_answers_500_after_the_ttl(
    acme: Acme, dev: Any, storefront: LiveASGIServer, procurement: Any
) -> None:
    """P19: the PoomUrl answers for the TTL after the send, then a cXML Status 500."""
    dev.PUNCHIN_POOM_TTL = 45  # the fetches below take far less, however busy the machine
    fake = procurement(answering(200))
    acme.configure(fake.url)
    submission = submit(acme, storefront.url)
    browser = Browser(storefront.url).sign_in(demo.PUNCHIN_BUYER)
    drive(browser, submission)
    setup = parse(fake.received[0].body).body.payload
    assert isinstance(setup, PunchOutSetupRequest)
    poom_url = setup.extrinsic("PoomUrl") or ""
    (sent,) = Attempt.objects.filter(submission=submission)
    poom = Poom.objects.get(submission=submission)
    assert poom.expires_at == sent.started_at + timedelta(seconds=45)

    fresh = Browser(storefront.url).get(poom_url)
    assert fresh.status == 200
    assert parse(fresh.body).payload_id == submission.payload_id
    # The TTL runs out: its end is moved to now rather than slept through.
    Poom.objects.filter(pk=poom.pk).update(expires_at=timezone.now())
    expired = Browser(storefront.url).get(poom_url)
    assert expired.status == 500
    answer = parse(expired.body)
    assert isinstance(answer.body, Response)
    assert answer.body.status.code == 500
    assert b"PunchOutOrderMessage" not in expired.body
    unknown = Browser(storefront.url).get("/cxml/poom/" + "x" * 43)
    assert unknown.status == 404
    assert b'text="Not Found"' in unknown.body


@pytest.mark.parametrize(("code", "text"), [(400, "partner says 400"), (403, "partner says 403")])
def test_permanent_refusal_is_explained_and_not_retried(
    acme: Acme,
    dev: Any,
    storefront: LiveASGIServer,
    procurement: Any,
    code: int,
    text: str,
) -> None:
    """P23: "400 ... the supplier does not retry and shows a page with a message";
    403 likewise."""
    fake = procurement(answering(code))
    acme.configure(fake.url)
    submission = submit(acme, storefront.url)
    browser = Browser(storefront.url).sign_in(demo.PUNCHIN_BUYER)

    progress = drive(browser, submission)

    assert [p["state"] for p in progress] == ["refused"]
    assert text in progress[-1]["message"]
    # Asking again sends nothing more.
    browser.post(f"/punchin/submissions/{submission.pk}/attempt", Accept="application/json")
    assert len(fake.received) == 1
    page = browser.get(f"/punchin/submissions/{submission.pk}").text
    assert text in page
    assert "Refused by your purchasing system" in page
    assert "attempt 1 of" not in page  # counting attempts is for Technical details
    if code == 403:
        assert "SharedSecret" in page
    assert cart.view(acme.buyer.user).lines, "a refused cart stays in the cart"


def test_500_then_200_is_retried_then_redirected(
    acme: Acme, dev: Any, storefront: LiveASGIServer, procurement: Any
) -> None:
    fake = procurement(answering(500, 200))
    acme.configure(fake.url)
    submission = submit(acme, storefront.url)

    progress = drive(Browser(storefront.url).sign_in(demo.PUNCHIN_BUYER), submission)

    assert [p["state"] for p in progress] == ["retrying", "accepted"]
    assert "Retrying (2 of 3)" in progress[0]["message"]
    assert progress[-1]["redirect_url"] == START_PAGE
    attempts = list(Attempt.objects.filter(submission=submission))
    assert [(a.number, a.status_code) for a in attempts] == [(1, 500), (2, 200)]
    # Both sends carried the same document, so the same payloadID (P15).
    assert fake.received[0].body == fake.received[1].body


def closed_port_url() -> str:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}/cxml/punchin"


async def too_slow(request: web.Request) -> web.Response:
    await asyncio.sleep(3)
    return web.Response(body=setup_response(200, "OK", START_PAGE), content_type="text/xml")


@pytest.mark.parametrize("fault", ["500 forever", "timeout", "connection refused"])
def test_transient_failures_stop_after_the_bounded_attempts(
    acme: Acme, dev: Any, storefront: LiveASGIServer, procurement: Any, fault: str
) -> None:
    """P23: 500, a timeout or a connection error is retried with backoff a bounded
    number of times (PUNCHIN_SETUP_ATTEMPTS), then explained."""
    dev.PUNCHIN_SETUP_TIMEOUT = 0.5
    fake = None
    if fault == "500 forever":
        fake = procurement(answering(500))
        url = fake.url
    elif fault == "timeout":
        fake = procurement(too_slow)
        url = fake.url
    else:
        url = closed_port_url()
    acme.configure(url)
    submission = submit(acme, storefront.url)
    browser = Browser(storefront.url).sign_in(demo.PUNCHIN_BUYER)

    progress = drive(browser, submission)

    assert [p["state"] for p in progress] == ["retrying", "retrying", "failed"]
    assert [p["attempts"] for p in progress] == [1, 2, 3]
    # In the buyer's words, not "attempt 1 of 3".
    assert [p["tries"].rpartition(" (")[2] for p in progress] == [
        "2 more tries).",
        "1 more try).",
        "",
    ]
    assert "We tried 3 times" in progress[-1]["message"]
    browser.post(f"/punchin/submissions/{submission.pk}/attempt", Accept="application/json")
    assert Attempt.objects.filter(submission=submission).count() == 3
    if fake is not None:
        assert len(fake.received) == 3
    page = browser.get("/orders/").text
    assert "Could not reach your purchasing system" in page
    assert submission.payload_id in page


def test_backoff_is_enforced_by_the_server(
    acme: Acme, dev: Any, storefront: LiveASGIServer, procurement: Any
) -> None:
    """A reload or a second tab cannot send again before the pause is over."""
    dev.PUNCHIN_SETUP_BACKOFF = 30
    fake = procurement(answering(500))
    acme.configure(fake.url)
    submission = submit(acme, storefront.url)
    browser = Browser(storefront.url).sign_in(demo.PUNCHIN_BUYER)
    url = f"/punchin/submissions/{submission.pk}/attempt"
    first = browser.post(url, Accept="application/json").json()
    again = browser.post(url, Accept="application/json").json()
    assert first["state"] == again["state"] == "retrying"
    assert 0 < again["retry_in"] <= 30
    assert len(fake.received) == 1


def test_every_request_and_answer_is_kept_and_shown(
    acme: Acme, dev: Any, storefront: LiveASGIServer, procurement: Any
) -> None:
    fake = procurement(answering(500, 200))
    acme.configure(fake.url)
    submission = submit(acme, storefront.url)
    browser = Browser(storefront.url).sign_in(demo.PUNCHIN_BUYER)
    drive(browser, submission)

    answers = CxmlDocument.objects.filter(direction="in").order_by("created_at")
    assert [d.status_code for d in answers] == [500, 200]
    # What the answer said, as the judgement read it (read once, stored with its row).
    assert [(d.payload_id, d.document_type) for d in answers] == [
        ("answer@procurement", "Response"),
        ("answer@procurement", "PunchOutSetupResponse"),
    ]
    assert [bytes(d.raw) for d in answers] == [
        setup_response(500, "partner says 500"),
        setup_response(200, "partner says 200", START_PAGE),
    ]
    history = browser.get("/orders/").text
    # The attempts and their Statuses are protocol detail: under "Technical details".
    technical = history[history.index('<details class="technical">') :]
    assert submission.payload_id in technical
    assert "partner says 500" in technical
    assert "partner says 500" not in history[: history.index('<details class="technical">')]
    request_doc = browser.get(f"/punchin/documents/{submission.setup_request_id}").text
    assert "PunchOutSetupRequest" in request_doc
    assert demo.SHARED_SECRET not in request_doc  # shown masked, kept exactly
    assert demo.SHARED_SECRET.encode() not in bytes(submission.setup_request.raw)
    assert demo.SHARED_SECRET.encode() in submission.setup_request.sent
    # Another buyer cannot read them.
    other = Browser(storefront.url).sign_in(demo.DIRECT_BUYER)
    assert other.get(f"/punchin/documents/{submission.setup_request_id}").status == 404
    assert (
        other.post(
            f"/punchin/submissions/{submission.pk}/attempt", Accept="application/json"
        ).status
        == 404
    )


def test_unusable_start_page_is_refused(
    acme: Acme, dev: Any, storefront: LiveASGIServer, procurement: Any
) -> None:
    """A 200 whose StartPage is not http(s) never becomes a browser redirect."""

    async def hostile(request: web.Request) -> web.Response:
        body = setup_response(200, "OK", "javascript:alert(1)")
        return web.Response(body=body, content_type="text/xml")

    acme.configure(procurement(hostile).url)
    submission = submit(acme, storefront.url)
    progress = drive(Browser(storefront.url).sign_in(demo.PUNCHIN_BUYER), submission)
    assert progress[-1]["state"] == "refused"
    assert progress[-1]["redirect_url"] == ""


def test_published_answer_with_raw_ampersands_is_read(
    acme: Acme, dev: Any, storefront: LiveASGIServer, procurement: Any
) -> None:
    """P24: the published response sample is not well-formed; we read it anyway."""
    sample = Path(__file__).resolve().parents[3] / "shared/cxml/punchin-samples"
    published = (sample / "PunchOutSetupResponse.as-published.xml").read_bytes()

    async def as_published(request: web.Request) -> web.Response:
        return web.Response(body=published, content_type="text/xml")

    acme.configure(procurement(as_published).url)
    dev.PUNCHIN_DEV = True
    submission = submit(acme, storefront.url)
    progress = drive(Browser(storefront.url).sign_in(demo.PUNCHIN_BUYER), submission)
    assert progress[-1]["state"] == "accepted"
    assert progress[-1]["redirect_url"].startswith("https://www.myeProcurement.com/punchin/land?")
    assert "&buyerExists=1" in progress[-1]["redirect_url"]
    answer = CxmlDocument.objects.get(direction="in")
    assert "repaired" in answer.detail


def test_state_machine_refuses_illegal_moves(acme: Acme, dev: Any) -> None:
    from punchin.storefront.submissions.models import TRANSITIONS
    from punchin.web.statemachine import InvalidTransition

    acme.configure("http://127.0.0.1:9/cxml/punchin")
    submission = submit(acme, "http://testserver")
    for state in State:
        submission.state = state
        for target in State:
            if (state, target) in TRANSITIONS:
                continue
            with pytest.raises(InvalidTransition):
                submission.move(target)
