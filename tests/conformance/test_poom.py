"""The cart checks (``punchin check poom``): pure on bytes, then over HTTP from a fake
supplier's PoomUrl (P5, P15, P17, P19)."""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from decimal import Decimal
from pathlib import Path

from aiohttp import web

from punchin.conformance import Finding, Verdict, check_poom_url
from punchin.conformance.poom import check_poom
from punchin.conformance.poomserver import expired_answer
from punchin.conformance.supplier import cart, cart_total, order_message, setup_request
from punchin.cxml import serialize
from punchin.cxml.build import Parties
from punchin.cxml.common import Money, Total
from punchin.cxml.envelope import Message
from punchin.cxml.punchout import PunchOutOrderMessage
from punchin.cxml.validate import validate
from punchin.transport.serving import Listening

PARTIES = Parties("NetworkID", "Store", "Buyer", "Store", "s3cret", "t PunchIn 1.0")
PAYLOAD_ID = "1700000000.1.42@store.example"


Change = Callable[[PunchOutOrderMessage], PunchOutOrderMessage]


def cart_bytes(change: Change | None = None) -> bytes:
    document = order_message(PARTIES, PAYLOAD_ID)
    if change is not None:
        assert isinstance(document.body, Message)
        cart = document.body.payload
        assert cart is not None
        body = dataclasses.replace(document.body, payload=change(cart))
        document = dataclasses.replace(document, body=body)
    return serialize(document)


def by_check(findings: list[Finding]) -> dict[str, list[Verdict]]:
    out: dict[str, list[Verdict]] = {}
    for finding in findings:
        out.setdefault(finding.check, []).append(finding.verdict)
    return out


def test_the_checker_sends_dtd_valid_documents(dtd_dir: Path) -> None:
    """What we emit validates (the rules): the cart and the request of P14-P21."""
    request = serialize(setup_request(PARTIES, PAYLOAD_ID, "a@b.example", "https://s.example/p"))
    assert validate(cart_bytes(), dtd_dir) == []
    assert validate(request, dtd_dir) == []
    assert b"<BuyerCookie></BuyerCookie>" in request or b"<BuyerCookie/>" in request
    assert b"s3cret" in request
    assert b"s3cret" not in cart_bytes()  # the cart travels without the SharedSecret


def test_a_sound_cart_passes(dtd_dir: Path) -> None:
    found = check_poom(cart_bytes(), "text/xml", dtd_dir, PAYLOAD_ID)
    assert [f for f in found if f.verdict in (Verdict.FAIL, Verdict.WARN)] == []
    checks = by_check(found)
    assert checks["payloadID"] == [Verdict.PASS]
    assert checks["ItemIn 1"] == [Verdict.PASS]
    assert checks["ItemIn 2"] == [Verdict.PASS]
    total = next(f for f in found if f.check == "Total")
    assert total.reason.startswith(f"{cart_total()} USD")
    assert cart_total() == sum((ln.quantity * ln.unit_price for ln in cart("")), Decimal(0))
    assert next(f for f in found if f.check == "Lines").reason == "2 ItemIn"


def test_another_payload_id_fails(dtd_dir: Path) -> None:
    """P15: the POOM carries the PunchOutSetupRequest's payloadID."""
    found = check_poom(cart_bytes(), "text/xml", dtd_dir, "1700000000.1.43@store.example")
    assert by_check(found)["payloadID"] == [Verdict.FAIL]


def test_a_total_that_is_not_the_sum_warns(dtd_dir: Path) -> None:
    def inflate(cart: PunchOutOrderMessage) -> PunchOutOrderMessage:
        total = Total(money=Money(amount=cart_total() + 1, currency="USD"))
        return dataclasses.replace(cart, header=dataclasses.replace(cart.header, total=total))

    found = check_poom(cart_bytes(inflate), "text/xml", dtd_dir, PAYLOAD_ID)
    assert by_check(found)["Total"] == [Verdict.WARN]


def test_a_line_in_another_currency_with_a_bad_unit_fails(dtd_dir: Path) -> None:
    def spoil(cart: PunchOutOrderMessage) -> PunchOutOrderMessage:
        item = cart.items[1]
        detail = dataclasses.replace(
            item.item_detail,
            unit_of_measure="boxes",
            unit_price=dataclasses.replace(
                item.item_detail.unit_price, money=Money(amount=Decimal("3"), currency="EUR")
            ),
        )
        return dataclasses.replace(
            cart, items=(cart.items[0], dataclasses.replace(item, item_detail=detail))
        )

    found = check_poom(cart_bytes(spoil), "text/xml", dtd_dir)
    line = next(f for f in found if f.check == "ItemIn 2")
    assert line.verdict is Verdict.FAIL
    assert "currency EUR differs from the Total's USD" in line.reason
    assert "'boxes' is not a UN/CEFACT code" in line.reason


def test_an_expired_poom_is_explained(dtd_dir: Path) -> None:
    found = check_poom(expired_answer(), "text/xml", dtd_dir)
    kind = next(f for f in found if f.check == "PunchOutOrderMessage")
    assert kind.verdict is Verdict.FAIL
    assert "500" in kind.reason
    assert "P19" in kind.reason


@asynccontextmanager
async def supplier(status: int, body: bytes, headers: dict[str, str]) -> AsyncIterator[str]:
    """A fake supplier with one PoomUrl; yields its URL."""
    seen: list[str] = []

    async def poom(request: web.Request) -> web.Response:
        seen.append(request.headers.get("Accept", ""))
        return web.Response(status=status, body=body, headers=headers)

    app = web.Application()
    app.router.add_get("/poom/abc", poom)
    async with Listening(app) as served:
        yield f"{served.base_url}/poom/abc"
    assert all(accept == "text/xml" for accept in seen)


def test_fetching_a_poom_url(dtd_dir: Path) -> None:
    async def scenario() -> None:
        xml = {"Content-Type": "text/xml"}
        async with supplier(200, cart_bytes(), xml) as url:
            report = await check_poom_url(url, dtd_dir=dtd_dir, expected_payload_id=PAYLOAD_ID)
            assert report.exit_code == 0, "\n".join(map(str, report))
            assert report.verdict_of("Fetch") is Verdict.PASS
        async with supplier(500, expired_answer(), xml) as url:
            report = await check_poom_url(url, dtd_dir=dtd_dir)
            fetch = report.failures[0]
            assert fetch.check == "Fetch"
            assert "HTTP 500, cXML Status 500" in fetch.reason
            assert "P19" in fetch.reason
        async with supplier(302, b"", {"Location": "https://elsewhere.example/"}) as url:
            report = await check_poom_url(url, dtd_dir=dtd_dir)
            assert "redirect" in report.failures[0].reason

    asyncio.run(scenario())
