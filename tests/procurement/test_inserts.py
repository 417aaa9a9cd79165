"""Prepared INSERTs (punchin.web.inserts) store what Django's own INSERT stores.

Each test writes rows both ways: through the cached SQL, and with the model's
``_do_insert`` set back to Django's (the reference), then compares what the database
holds. The requisition's models carry Decimals, JSON, nulls, foreign keys and a
``bulk_create``; the log row masks secrets in its own ``save``.
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from typing import Any
from unittest import mock

import pytest
from django.core.management import call_command
from django.db import IntegrityError, connection, models, transaction
from django.db.models.functions import Now
from django.db.models.sql.compiler import SQLInsertCompiler
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from punchin.procurement.accounts.models import Organisation
from punchin.procurement.documents.models import CxmlDocument
from punchin.procurement.partners.models import SupplierPartner
from punchin.procurement.requisitions.models import (
    Origin,
    Requisition,
    RequisitionLine,
    StartPageToken,
)
from punchin.web import inserts
from punchin.web.documents import Direction
from punchin.web.inserts import PreparedInsertQuerySet, insert_new

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded(db: None) -> None:
    call_command("seed_demo", storefront_url="http://127.0.0.1:8001")


def _requisition(number: str, **values: Any) -> Requisition:
    return Requisition(
        number=number,
        origin=Origin.PUNCH_IN,
        organisation=Organisation.objects.get(),
        supplier=SupplierPartner.objects.get(),
        currency="EUR",
        source_payload_id=f"{number}@acme.example",
        total=values.pop("total", Decimal("12.5000")),
        supplier_total=values.pop("supplier_total", Decimal("12.50")),
        **values,
    )


def _stored(model: type[models.Model], pk: object) -> dict[str, Any]:
    """The row as the database holds it, without its primary key and the clock's columns."""
    row = model._default_manager.filter(pk=pk).values().get()
    return {k: v for k, v in row.items() if k not in {"id", "created_at", "updated_at"}}


def _django_save(instance: models.Model) -> None:
    """``save`` with Django's own INSERT: the reference."""
    with mock.patch.object(type(instance), "_do_insert", models.Model._do_insert):
        instance.save()


@pytest.fixture
def compilations() -> Iterator[list[str]]:
    """The INSERTs Django compiled (rather than taken from the cache), from an empty
    cache."""
    seen: list[str] = []
    original = SQLInsertCompiler.as_sql

    def counting(self: SQLInsertCompiler) -> Any:
        statements = original(self)
        seen.extend(sql for sql, _ in statements)
        return statements

    with (
        mock.patch.dict(inserts._shapes, clear=True),
        mock.patch.object(inserts, "_compiled_each_time", set()),
        mock.patch.object(SQLInsertCompiler, "as_sql", counting),
    ):
        yield seen


@pytest.mark.usefixtures("seeded")
def test_a_shape_is_compiled_once_and_each_row_gets_its_own_values(
    compilations: list[str],
) -> None:
    made = [_requisition(f"REQ-{i}", buyer_email=f"b{i}@acme.example") for i in range(5)]
    for requisition in made:
        requisition.save()
    requisition_inserts = [sql for sql in compilations if "requisitions_requisition" in sql]
    assert len(requisition_inserts) == 1
    assert [r.pk for r in made] == sorted({r.pk for r in made})  # each got its own key
    assert all(r._state.adding is False and r._state.db == "default" for r in made)
    assert [Requisition.objects.get(pk=r.pk).buyer_email for r in made] == [
        f"b{i}@acme.example" for i in range(5)
    ]


money = st.decimals(min_value=Decimal("-99999"), max_value=Decimal("99999"), places=4)
text = st.text(st.characters(exclude_categories=("Cs",), exclude_characters="\x00"), max_size=40)


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    total=money,
    tax=st.none() | money,
    email=text,
    description=text,
    extrinsics=st.dictionaries(text, text, max_size=3),
    lead_time=st.none() | st.integers(0, 2**31 - 1),
    lines=st.integers(1, 4),
)
@pytest.mark.usefixtures("seeded")
def test_rows_are_stored_as_django_stores_them(
    total: Decimal,
    tax: Decimal | None,
    email: str,
    description: str,
    extrinsics: dict[str, str],
    lead_time: int | None,
    lines: int,
) -> None:
    stored = []
    for way in ("prepared", "django"):
        requisition = _requisition(
            f"REQ-{way}", total=total, supplier_total=total, tax=tax, buyer_email=email
        )
        rows = [
            RequisitionLine(
                requisition=requisition,
                line_number=n,
                supplier_part_id=f"P-{n}",
                description=description,
                quantity=Decimal(n),
                unit_of_measure="EA",
                unit_price=total,
                currency="EUR",
                lead_time_days=lead_time,
                extrinsics=extrinsics,
            )
            for n in range(1, lines + 1)
        ]
        with transaction.atomic():
            if way == "django":
                _django_save(requisition)
                models.QuerySet(RequisitionLine).bulk_create(rows)
            else:
                requisition.save()
                RequisitionLine.objects.bulk_create(rows)
        assert all(row.pk is not None for row in rows)
        stored.append(
            (
                {**_stored(Requisition, requisition.pk), "number": None, "source_payload_id": None},
                [{**_stored(RequisitionLine, row.pk), "requisition_id": None} for row in rows],
            )
        )
        Requisition.objects.filter(pk=requisition.pk).delete()
    assert stored[0] == stored[1]


@pytest.mark.usefixtures("seeded")
def test_a_cart_of_any_size_is_one_statement_per_size(compilations: list[str]) -> None:
    requisition = _requisition("REQ-1")
    requisition.save()

    def lines(count: int, start: int) -> list[RequisitionLine]:
        return [
            RequisitionLine(
                requisition=requisition,
                line_number=start + n,
                supplier_part_id=f"P-{start + n}",
                quantity=Decimal(1),
                unit_of_measure="EA",
                unit_price=Decimal("2.50"),
                currency="EUR",
            )
            for n in range(count)
        ]

    for start, count in ((0, 2), (10, 2), (20, 3), (30, 2)):
        rows = RequisitionLine.objects.bulk_create(lines(count, start))
        assert all(row.pk is not None for row in rows)
    line_inserts = [sql for sql in compilations if "requisitionline" in sql]
    if connection.vendor == "postgresql":  # several rows: INSERT from UNNEST, Django's own
        assert len(line_inserts) == 4
        assert len(inserts._compiled_each_time) == 2  # known after the first of each size
    else:
        assert len(line_inserts) == 2  # two rows, then three; the second pair from the cache
    assert requisition.lines.count() == 9


@pytest.mark.usefixtures("seeded")
def test_an_expression_is_compiled_by_django(compilations: list[str]) -> None:
    requisition = _requisition("REQ-1")
    requisition.save()
    first = StartPageToken(requisition=requisition, digest="a" * 64, buyer_exists=True)
    first.expires_at = Now()
    first.save()
    second = StartPageToken(requisition=requisition, digest="b" * 64, buyer_exists=False)
    second.expires_at = Now()
    second.save()
    assert len([sql for sql in compilations if "startpagetoken" in sql]) == 2
    assert StartPageToken.objects.filter(expires_at__isnull=False).count() == 2


@pytest.mark.usefixtures("seeded")
def test_conflicts_are_left_to_django_and_failures_raise_as_django_raises() -> None:
    requisition = _requisition("REQ-1")
    requisition.save()
    token = StartPageToken(requisition=requisition, digest="c" * 64, buyer_exists=True)
    token.expires_at = requisition.created_at
    token.save()
    again = StartPageToken(
        requisition=requisition, digest="c" * 64, buyer_exists=True, expires_at=token.expires_at
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        again.save()
    assert again.pk is None
    PreparedInsertQuerySet(StartPageToken).bulk_create([again], ignore_conflicts=True)
    assert StartPageToken.objects.count() == 1


def test_a_log_row_is_masked_by_its_own_save(db: None) -> None:
    secret = b"<SharedSecret>s3cret-value</SharedSecret>"
    raw = b"<cXML><Header><Sender><Credential>" + secret + b"</Credential></Sender></Header></cXML>"
    prepared = CxmlDocument(direction=Direction.INBOUND, raw=raw, document_type="Test")
    prepared.save()
    reference = CxmlDocument(direction=Direction.INBOUND, raw=raw, document_type="Test")
    _django_save(reference)
    assert b"s3cret-value" not in bytes(CxmlDocument.objects.get(pk=prepared.pk).raw)
    assert _stored(CxmlDocument, prepared.pk) == _stored(CxmlDocument, reference.pk)


def test_an_outbound_row_keeps_its_secrets_encrypted_through_the_fields_own_preparation(
    db: None, compilations: list[str]
) -> None:
    raw = b"<cXML><Credential><SharedSecret>s3cret-value</SharedSecret></Credential></cXML>"
    for _ in range(2):  # the second from the cache
        row = CxmlDocument(direction=Direction.OUTBOUND, raw=raw, document_type="Test")
        row.save()
        stored = CxmlDocument.objects.get(pk=row.pk)
        assert b"s3cret-value" not in bytes(stored.raw)
        with connection.cursor() as cursor:  # the column as stored, not decrypted
            cursor.execute(
                "SELECT masked_secrets FROM procurement_documents_cxmldocument WHERE id = %s",
                [row.pk],
            )
            (column,) = cursor.fetchone()
        assert column
        assert "s3cret-value" not in column
        assert stored.sent == raw
    assert len([sql for sql in compilations if "cxmldocument" in sql]) == 1


@pytest.mark.usefixtures("seeded")
def test_insert_new_claims_once_without_breaking_the_transaction(
    compilations: list[str],
) -> None:
    requisition = _requisition("REQ-1")
    requisition.save()

    def token(digest: str) -> StartPageToken:
        return StartPageToken(
            requisition=requisition,
            digest=digest,
            buyer_exists=True,
            expires_at=requisition.created_at,
        )

    with transaction.atomic():
        first = token("d" * 64)
        assert insert_new(first) is True
        assert first.pk is not None
        assert first._state.adding is False
        copy = token("d" * 64)
        assert insert_new(copy) is False
        assert copy.pk is None
        assert insert_new(token("e" * 64)) is True  # the transaction goes on (PostgreSQL)
    assert sorted(StartPageToken.objects.values_list("digest", flat=True)) == ["d" * 64, "e" * 64]
    skipping = ("ON CONFLICT DO NOTHING", "INSERT OR IGNORE")  # PostgreSQL, SQLite
    assert len([sql for sql in compilations if any(s in sql for s in skipping)]) == 1


@pytest.mark.usefixtures("seeded")
def test_insert_new_refuses_a_row_whose_key_it_cannot_tell() -> None:
    requisition = _requisition("REQ-1")
    requisition.save()
    with pytest.raises(TypeError, match="only database-filled column"):
        insert_new(requisition)  # saved already: it has its key
