"""Spend's rules, one test each (docs/spend.md): what counts as approved, received and
invoiced, and when; how rows are grouped; the CSV export; who sees whose spend.
Invoices are posted over real HTTP to /cxml/invoice; receipts go through
``receiving.record``."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from punchin.cxml.invoice import InvoicePurpose
from punchin.procurement.accounts.models import Membership, Organisation
from punchin.procurement.orders.models import Invoice, PurchaseOrder, Receipt, State
from punchin.procurement.orders.receiving import record
from punchin.procurement.spend.export import as_csv, neutralised
from punchin.procurement.spend.services import BY_KEY, Figure, exact, segment, spend
from punchin.web import demo
from punchin.web.testing import LiveASGIServer
from tests.procurement import flow
from tests.procurement.test_fulfilment import send, status_of
from tests.procurement.test_match import bill, confirmed
from tests.signin import login

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def server(transactional_db: None) -> Iterator[LiveASGIServer]:
    call_command("seed_demo", storefront_url="http://127.0.0.1:8001")
    from punchin.procurement.asgi import application

    with LiveASGIServer(application) as live:
        yield live


@pytest.fixture
def seeded(transactional_db: None) -> None:
    call_command("seed_demo", storefront_url="http://127.0.0.1:8001")


ZERO = Decimal(0)


def of(key: str) -> dict[tuple[str, str], Figure]:
    found = spend(PurchaseOrder.objects.all()).of(key)
    return {(f.label, f.currency): f for f in found}


def amounts(figure: Figure) -> tuple[Decimal, Decimal, Decimal]:
    return figure.approved, figure.received, figure.invoiced


def received(
    order: PurchaseOrder, lines: dict[int, str], reasons: dict[int, str] | None = None
) -> Receipt:
    assert order.requester is not None
    return record(
        order, {n: Decimal(q) for n, q in lines.items()}, by=order.requester, reasons=reasons
    )


# --- what counts ------------------------------------------------------------------------


def test_approved_counts_live_orders_at_the_ordered_price(seeded: None) -> None:
    """Cancelled and rejected orders and cancelled lines commit nothing."""
    flow.approved()  # 9.00 + 3.30
    cancelled = flow.approved(payload_id="cancelled@store.test")
    PurchaseOrder.objects.filter(pk=cancelled.pk).update(state=State.CANCELLED)
    rejected = flow.approved(payload_id="rejected@store.test")
    PurchaseOrder.objects.filter(pk=rejected.pk).update(state=State.REJECTED)
    cut = flow.approved(payload_id="cut@store.test")
    cut.lines.filter(line_number=2).update(quantity=0)

    (figure,) = of("supplier").values()
    assert amounts(figure) == (Decimal("21.30"), 0, 0)  # 12.30 + the cut order's 9.00


def test_received_counts_goods_receipts_at_the_agreed_price_net_of_returns(
    server: LiveASGIServer,
) -> None:
    order = confirmed(server)
    order.lines.filter(line_number=1).update(confirmed_unit_price=Decimal("4.00"))
    received(order, {1: "2", 2: "1.5"})
    received(order, {2: "-0.5"}, reasons={2: "damaged"})

    (figure,) = of("supplier").values()
    # 2 x 4.00 (confirmed, not the ordered 4.50) + 1 x 2.20
    assert figure.received == Decimal("10.20")


def test_an_invoice_held_for_reconciliation_is_not_invoiced_until_resolved(
    server: LiveASGIServer,
) -> None:
    """Invoiced before anything arrived is beyond tolerance; once the goods are
    received, the match holds nothing and the invoice is owed."""
    order = confirmed(server)
    answer, _ = send(server, bill(order, ((1, "2", "4.50"), (2, "1.5", "2.20"))))
    assert "held for reconciliation" in status_of(answer)[1]
    assert of("supplier")[(demo.STORE_NAME, "USD")].invoiced == 0

    received(order, {1: "2", 2: "1.5"})
    assert of("supplier")[(demo.STORE_NAME, "USD")].invoiced == Decimal("12.30")


def test_credit_memos_subtract_from_invoiced(server: LiveASGIServer) -> None:
    order = confirmed(server)
    received(order, {1: "2", 2: "1.5"})
    _, body = send(server, bill(order, ((1, "2", "4.50"), (2, "1.5", "2.20"))))
    payload = body.split(b'payloadID="', 1)[1].split(b'"', 1)[0].decode()
    received(order, {2: "-0.5"}, reasons={2: "cut short"})
    memo = bill(
        order,
        ((2, "-0.5", "2.20"),),
        number="CM-1",
        purpose=InvoicePurpose.LINE_LEVEL_CREDIT_MEMO,
        credits=payload,
    )
    assert status_of(send(server, memo)[0])[0] == 200

    assert of("supplier")[(demo.STORE_NAME, "USD")].invoiced == Decimal("11.20")


def test_each_amount_falls_in_the_month_it_happened(server: LiveASGIServer) -> None:
    order = confirmed(server)
    PurchaseOrder.objects.filter(pk=order.pk).update(order_date=datetime(2026, 1, 20, tzinfo=UTC))
    receipt = received(order, {1: "2", 2: "1.5"})
    Receipt.objects.filter(pk=receipt.pk).update(recorded_at=datetime(2026, 2, 3, tzinfo=UTC))
    send(server, bill(order, ((1, "2", "4.50"), (2, "1.5", "2.20"))))
    Invoice.objects.update(invoice_date=datetime(2026, 3, 1, tzinfo=UTC))

    months = {label: amounts(f) for (label, _), f in of("month").items()}
    assert months == {
        "2026-01": (Decimal("12.30"), 0, 0),
        "2026-02": (0, Decimal("12.30"), 0),
        "2026-03": (0, 0, Decimal("12.30")),
    }


def test_months_are_calendar_months_in_utc(seeded: None) -> None:
    order = flow.approved()
    new_york = timezone(timedelta(hours=-5))
    late = datetime(2026, 1, 31, 21, 30, tzinfo=new_york)  # 02:30 on 1 February in UTC
    PurchaseOrder.objects.filter(pk=order.pk).update(order_date=late)

    assert [label for label, _ in of("month")] == ["2026-02"]


def test_amounts_in_two_currencies_are_never_added(seeded: None) -> None:
    flow.approved()
    euro = flow.approved(payload_id="euro@store.test")
    PurchaseOrder.objects.filter(pk=euro.pk).update(currency="EUR")

    rows = of("supplier")
    assert set(rows) == {(demo.STORE_NAME, "USD"), (demo.STORE_NAME, "EUR")}
    assert rows[(demo.STORE_NAME, "EUR")].approved == Decimal("12.30")


@pytest.mark.parametrize(
    ("unspsc", "found"),
    [
        ("44121704", "44"),
        (" 26121609", "26"),
        ("4", "unclassified"),
        ("", "unclassified"),
        ("AB123", "unclassified"),
        ("\uff14\uff1412", "unclassified"),  # full-width digits are not a UNSPSC code
    ],
)
def test_the_segment_is_the_first_two_digits_of_the_lines_unspsc(unspsc: str, found: str) -> None:
    assert segment(unspsc) == found


def test_the_cost_centre_is_the_requisitions_coding(seeded: None) -> None:
    flow.approved()  # coded CC-4100
    uncoded = flow.approved(payload_id="uncoded@store.test")
    PurchaseOrder.objects.filter(pk=uncoded.pk).update(cost_centre="")

    assert {label for label, _ in of("cost-centre")} == {"CC-4100", "none"}


def test_amounts_are_exact_decimals(seeded: None) -> None:
    """A price per 3 units: each line at four places, summed exactly, never a float."""
    thirds = (flow.line(1, "LABEL-ROLL", "1", "1.00"),)
    for n in range(3):
        order = flow.approved(thirds, payload_id=f"third-{n}@store.test")
        order.lines.update(price_basis_quantity=Decimal(3))

    (figure,) = of("supplier").values()
    assert figure.approved == Decimal("0.9999")  # 3 x 0.3333, not 1.00 nor 0.99989999
    assert isinstance(figure.approved, Decimal)
    assert exact(figure.approved) == "0.9999"
    assert exact(Decimal("312.3000")) == "312.30"
    assert exact(Decimal("-7")) == "-7.00"


# --- CSV --------------------------------------------------------------------------------


def read_csv(body: bytes) -> list[list[str]]:
    assert body.startswith("\ufeff".encode())  # for spreadsheets: UTF-8
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))


def test_csv_has_one_row_per_figure_with_exact_amounts() -> None:
    figures = [
        Figure("Café Supplies", "EUR", Decimal("1234567.8900"), Decimal("0.3333"), ZERO),
        Figure("Café Supplies", "USD", Decimal("1"), Decimal("0"), Decimal("-2.5")),
    ]
    assert read_csv(as_csv(BY_KEY["supplier"], figures)) == [
        ["Supplier", "Currency", "Approved", "Received", "Invoiced"],
        ["Café Supplies", "EUR", "1234567.89", "0.3333", "0.00"],
        ["Café Supplies", "USD", "1.00", "0.00", "-2.50"],  # a negative amount stays a number
    ]


@pytest.mark.parametrize(
    "text", ['=HYPERLINK("http://x.example","y")', "+1", "-1+2", "@SUM(A1)", "\tx", "\rx"]
)
def test_csv_cells_that_start_a_formula_are_neutralised(text: str) -> None:
    assert neutralised(text) == "'" + text
    rows = read_csv(as_csv(BY_KEY["cost-centre"], [Figure(text, "USD")]))
    assert rows[1][0] == "'" + text


def test_csv_cells_that_do_not_start_a_formula_are_left_alone() -> None:
    for text in ("CC-4100", "Acme = good", "a@b.example", "Ünïcode"):
        assert neutralised(text) == text


# --- who sees whose spend -----------------------------------------------------------------


def page_of(client: Client) -> str:
    return client.get(reverse("spend:overview")).content.decode()


def signed_in(email: str) -> Client:
    client = Client()
    assert login(client, email, demo.PASSWORD)
    return client


def member(email: str, organisation: Organisation, **role: bool) -> None:
    user = get_user_model().objects.create_user(email, email, demo.PASSWORD)
    Membership.objects.create(user=user, organisation=organisation, **role)


def test_the_organisations_admins_see_all_of_its_spend(seeded: None) -> None:
    flow.approved()  # the buyer's requisition
    member("admin@acme.example", Organisation.objects.get(), is_admin=True)

    page = page_of(signed_in("admin@acme.example"))
    assert "Spend of Acme Corporation" in page
    assert 'data-label="Approved" class="num">12.30<' in page


def test_finance_sees_the_organisations_spend(seeded: None) -> None:
    flow.approved()
    acme = Organisation.objects.get()
    member("finance@acme.example", acme)
    assert "No purchase orders yet" in page_of(signed_in("finance@acme.example"))
    finance = get_user_model().objects.get(email="finance@acme.example")
    finance.user_permissions.add(Permission.objects.get(codename="view_spend"))

    page = page_of(signed_in("finance@acme.example"))
    assert "Spend of Acme Corporation" in page
    assert 'data-label="Approved" class="num">12.30<' in page


def test_a_requester_sees_only_their_own_requisitions_spend(seeded: None) -> None:
    flow.approved()  # the buyer's
    someone_else = flow.approved(payload_id="else@store.test")
    PurchaseOrder.objects.filter(pk=someone_else.pk).update(requester=flow.user(demo.APPROVER))
    for email in (demo.PUNCHIN_BUYER, demo.APPROVER):  # an approver is not finance
        page = page_of(signed_in(email))
        assert "Your spend" in page
        assert 'data-label="Approved" class="num">12.30<' in page
        assert "24.60" not in page
    assert "No purchase orders yet" in page_of(signed_in(demo.RECEIVING_DESK))


def test_another_organisations_spend_is_never_shown(seeded: None) -> None:
    order = flow.approved()
    globex = Organisation.objects.create(name="Globex")
    PurchaseOrder.objects.filter(pk=order.pk).update(organisation=globex, requester=None)
    member("finance@globex.example", globex, is_admin=True)

    member("admin@acme.example", Organisation.objects.get(name=demo.ORGANISATION), is_admin=True)

    assert "No purchase orders yet" in page_of(signed_in("admin@acme.example"))
    assert "12.30" in page_of(signed_in("finance@globex.example"))
    assert "12.30" in page_of(signed_in(demo.PROCUREMENT_ADMIN))  # a superuser sees all


def test_the_csv_export_shows_what_the_page_shows(seeded: None) -> None:
    flow.approved()
    mine = flow.approved(payload_id="mine@store.test")
    PurchaseOrder.objects.filter(pk=mine.pk).update(requester=flow.user(demo.APPROVER))
    url = reverse("spend:export", args=["cost-centre"])

    answer = signed_in(demo.APPROVER).get(url)
    assert answer.status_code == 200
    assert answer["Content-Type"] == "text/csv; charset=utf-8"
    assert answer["Content-Disposition"].startswith('attachment; filename="spend-by-cost-centre-')
    assert read_csv(answer.content)[1:] == [["CC-4100", "USD", "12.30", "0.00", "0.00"]]
    member("admin@acme.example", Organisation.objects.get(), is_admin=True)
    admin = read_csv(signed_in("admin@acme.example").get(url).content)
    assert admin[1:] == [["CC-4100", "USD", "24.60", "0.00", "0.00"]]
    assert Client().get(url).status_code == 302  # sign in first


def test_an_unknown_report_is_404(seeded: None) -> None:
    assert signed_in(demo.PROCUREMENT_ADMIN).get("/spend/colour.csv").status_code == 404
