"""``punchin check order-endpoint`` against the real storefront: every check passes.

The storefront runs under uvicorn (``LiveASGIServer``) with the demo account; a buyer
submitted a cart, whose POOM (the bytes the store stored and served) is what the
checker orders from, as an e-procurement system orders the cart it fetched (P8, P15).
The checker approves the cart, orders it, changes and cancels the order, sends each
document twice and probes the refusals; the store ends with one cancelled order. The
command finds the endpoints in the store's ProfileResponse.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any
from xml.etree import ElementTree as ET

import pytest
from click.testing import CliRunner

from punchin.cli import main
from punchin.conformance import OrderEndpointCheck, Partner, Report, Verdict, check_order_endpoint
from punchin.conformance.buyer import cart_of
from punchin.cxml import parse
from punchin.cxml.build import Parties
from punchin.storefront.orders.models import PurchaseOrder, State
from punchin.storefront.submissions.models import Approval, PunchInSubmission
from punchin.web import demo
from punchin.web.testing import LiveASGIServer

from .conftest import Acme
from .factories import submitted

pytestmark = pytest.mark.django_db(transaction=True)

JUDGED = {Verdict.PASS, Verdict.WARN, Verdict.FAIL}


@pytest.fixture
def cart(acme: Acme, dev: Any) -> PunchInSubmission:
    acme.configure("http://127.0.0.1:9/cxml/punchin")
    return submitted(acme)


def procurement_parties() -> Parties:
    return Parties(
        domain=demo.CREDENTIAL_DOMAIN,
        from_identity=demo.PROCUREMENT_IDENTITY,
        to_identity=demo.STORE_IDENTITY,
        sender_identity=demo.PROCUREMENT_IDENTITY,
        shared_secret=demo.SHARED_SECRET,
        user_agent="punchin check",
    )


def not_passed(report: Report) -> list[str]:
    return [str(f) for f in report if f.verdict in JUDGED - {Verdict.PASS}]


def test_the_library_finds_the_storefront_conformant(
    cart: PunchInSubmission, storefront: LiveASGIServer, dtd_dir: Path
) -> None:
    check = OrderEndpointCheck(
        order_url=f"{storefront.url}/cxml/order",
        status_url=f"{storefront.url}/cxml/status",
        partner=Partner(procurement_parties(), dtd_dir=dtd_dir),
        cart=cart_of(parse(bytes(cart.poom.document.raw))),
        order_id="PUNCHIN-CHECK-1",
    )
    report = asyncio.run(check_order_endpoint(check))

    shown = "\n".join(map(str, report))
    assert not_passed(report) == [], shown
    passed = {(f.step, f.check) for f in report if f.verdict is Verdict.PASS}
    for step in ("StatusUpdateRequest", "OrderRequest new", "OrderRequest update"):
        assert {
            (step, "cXML Status"),
            (step, "DTD-valid"),
            (step, "Same payloadID again"),
        } <= passed, shown
    assert {
        ("OrderRequest delete", "cXML Status"),
        ("Refusals", "Refuses a wrong SharedSecret"),
        ("Refusals", "Unknown Sender answered alike"),
        ("Refusals", "Refuses malformed XML"),
    } <= passed, shown
    # Each document applied once however often it came: one order, changed, cancelled.
    order = PurchaseOrder.objects.get()
    assert (order.order_id, order.state, order.order_version) == (
        "PUNCHIN-CHECK-1",
        State.CANCELLED,
        2,
    )
    assert [line.quantity for line in order.lines.order_by("line_number")] == [1, 1]
    cart.refresh_from_db()
    assert cart.approval == Approval.APPROVED


def test_the_command_finds_the_endpoints_reads_the_cart_and_writes_junit(
    cart: PunchInSubmission, storefront: LiveASGIServer, dtd_dir: Path, tmp_path: Path
) -> None:
    poom = tmp_path / "cart.xml"
    poom.write_bytes(bytes(cart.poom.document.raw))
    junit = tmp_path / "junit.xml"
    result = CliRunner().invoke(
        main,
        [
            "check",
            "order-endpoint",
            "--profile-url",
            f"{storefront.url}/cxml/profile",
            "--from-cart",
            str(poom),
            "--dtd-dir",
            str(dtd_dir),
            "--report",
            str(junit),
        ],
        env={"PUNCHIN_CHECK_SHARED_SECRET": demo.SHARED_SECRET},
    )

    assert result.exit_code == 0, result.output
    assert not [line for line in result.stdout.splitlines() if line.startswith(("FAIL", "WARN"))]
    assert demo.SHARED_SECRET not in result.output
    root = ET.parse(junit).getroot()  # noqa: S314 (our own file)
    assert root.get("failures") == "0"
    suites = [suite.get("name") for suite in root]
    assert "punchin check order-endpoint: OrderRequest new" in suites
    assert "punchin check order-endpoint: Refusals" in suites
    assert f"Transactions: StatusUpdateRequest {storefront.url}/cxml/status" in result.stdout
    # The identities came from the cart: its To is the buyer, its From the store.
    assert PurchaseOrder.objects.get().state == State.CANCELLED
