"""Prepared statements (punchin.web.prepared) answer exactly what the ORM answers.

Django's own models (users, permissions, sessions) stand in for any model: each test
runs the same statement through the ORM and prepared, with new values each call.
"""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal
from typing import Any

import pytest
from django.contrib.auth.models import Permission, User
from django.contrib.sessions.models import Session
from django.db import DatabaseError, transaction
from django.db.models import F
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from punchin.storefront.documents.models import CxmlDocument
from punchin.web.prepared import Delete, NotPreparable, Select, Update, save_fields

pytestmark = pytest.mark.django_db

BASE = datetime(2026, 1, 1, tzinfo=UTC)


def _users(count: int) -> list[User]:
    return [
        User.objects.create(
            username=f"user{i}",
            email=f"user{i}@acme.example",
            is_active=i % 3 != 0,
            date_joined=BASE + timedelta(days=i),
            last_login=None if i % 2 else BASE + timedelta(hours=i),
        )
        for i in range(count)
    ]


JOINED = Select(
    lambda since, active: User.objects.filter(date_joined__gt=since, is_active=active).order_by(
        "pk"
    )
)


@settings(max_examples=40, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    days=st.integers(-2, 12),
    hours=st.integers(-30, 30),
    active=st.booleans(),
    offset=st.sampled_from([0, 5, -7]),
)
def test_a_select_returns_what_the_orm_returns(
    days: int, hours: int, active: bool, offset: int
) -> None:
    User.objects.all().delete()
    _users(10)
    # The same instant in a zone other than UTC: adapted as the ORM adapts it.
    since = (BASE + timedelta(days=days, hours=hours)).astimezone(timezone(timedelta(hours=offset)))
    expected = list(User.objects.filter(date_joined__gt=since, is_active=active).order_by("pk"))
    got = JOINED.all(since=since, active=active)
    assert [(u.pk, u.username, u.date_joined, u.last_login) for u in got] == [
        (u.pk, u.username, u.date_joined, u.last_login) for u in expected
    ]


def test_values_change_between_calls_and_the_function_runs_only_to_compile() -> None:
    users = _users(6)
    calls: list[int] = []

    def by_name(name: str) -> Any:
        calls.append(1)
        return User.objects.filter(username=name)

    statement = Select(by_name)
    for user in users:
        found = statement.one(name=user.username)
        assert found is not None
        assert found.pk == user.pk
    assert statement.one(name="nobody") is None
    assert len(calls) == 2  # two stand-in compilations, then only the SQL


def test_none_and_booleans_are_part_of_the_statement() -> None:
    _users(6)
    statement = Select(lambda seen: User.objects.filter(last_login=seen).order_by("pk"))
    never = [u.username for u in statement.all(seen=None)]
    assert never == [u.username for u in User.objects.filter(last_login=None).order_by("pk")]
    assert never == ["user1", "user3", "user5"]
    once = statement.all(seen=BASE + timedelta(hours=2))
    assert [u.username for u in once] == ["user2"]


def test_select_related_and_only_are_read_as_the_orm_reads_them(
    django_assert_num_queries: Any,
) -> None:
    codename = Permission.objects.order_by("pk").first().codename  # type: ignore[union-attr]
    statement = Select(
        lambda code: (
            Permission.objects.filter(codename=code)
            .select_related("content_type")
            .only("codename", "content_type__app_label")
        )
    )
    expected = Permission.objects.select_related("content_type").get(codename=codename)
    with django_assert_num_queries(1):
        got = statement.one(code=codename)
        assert got is not None
        assert got.content_type.app_label == expected.content_type.app_label
        assert got.get_deferred_fields() == {"name"}
    with django_assert_num_queries(1):
        assert got.name == expected.name  # a deferred field loads on demand, as in the ORM


def test_an_update_changes_what_the_orm_would_and_counts_rows() -> None:
    users = _users(4)
    touch = Update(
        lambda pk, when, active: (
            User.objects.filter(pk=pk, is_active=active),
            {"last_login": when, "first_name": F("username")},
        )
    )
    when = BASE + timedelta(days=40, microseconds=7)
    assert touch(pk=users[1].pk, when=when, active=True) == 1
    assert touch(pk=users[0].pk, when=when, active=True) == 0  # user0 is inactive
    users[1].refresh_from_db()
    assert (users[1].last_login, users[1].first_name) == (when, "user1")
    untouched = User.objects.get(pk=users[2].pk)
    assert untouched.first_name == ""


def test_an_update_to_null_is_its_own_statement() -> None:
    users = _users(2)
    clear = Update(lambda pk, seen: (User.objects.filter(pk=pk), {"last_login": seen}))
    assert clear(pk=users[0].pk, seen=None) == 1
    assert clear(pk=users[1].pk, seen=BASE) == 1
    assert User.objects.get(pk=users[0].pk).last_login is None
    assert User.objects.get(pk=users[1].pk).last_login == BASE


def test_a_statement_belongs_to_the_callers_transaction() -> None:
    users = _users(1)
    rename = Update(lambda pk, name: (User.objects.filter(pk=pk), {"first_name": name}))

    def rename_then_fail() -> None:
        with transaction.atomic():
            rename(pk=users[0].pk, name="changed")
            raise RuntimeError("roll back")

    with pytest.raises(RuntimeError):
        rename_then_fail()
    assert User.objects.get(pk=users[0].pk).first_name == ""


def test_a_delete_removes_what_the_orm_would() -> None:
    for i in range(3):
        Session.objects.create(
            session_key=f"key{i}", session_data="x", expire_date=BASE + timedelta(days=i)
        )
    expire = Delete(lambda before: Session.objects.filter(expire_date__lt=before))
    assert expire(before=BASE + timedelta(days=1, hours=1)) == 2
    assert list(Session.objects.values_list("session_key", flat=True)) == ["key2"]


def test_a_delete_with_cascades_is_refused() -> None:
    users = _users(1)
    with pytest.raises(NotPreparable, match="cascades"):
        Delete(lambda pk: User.objects.filter(pk=pk))(pk=users[0].pk)
    assert User.objects.filter(pk=users[0].pk).exists()


_ticks = itertools.count()


def _clock() -> datetime:
    return BASE + timedelta(seconds=next(_ticks))


@pytest.mark.parametrize(
    ("build", "reason"),
    [
        (lambda name: User.objects.filter(username__startswith=name), "not one of its values"),
        (lambda name: User.objects.filter(username__contains=name), "not one of its values"),
        # A clock read inside the function (timezone.now()): each compilation sees another time.
        (
            lambda name: User.objects.filter(username=name, date_joined__lt=_clock()),
            "not one of its values",
        ),
        (lambda name: User.objects.filter(pk=1), "unused"),
    ],
)
def test_what_cannot_be_mapped_back_to_a_value_is_refused(build: Any, reason: str) -> None:
    with pytest.raises(NotPreparable, match=reason):
        Select(build).all(name="user1")


def test_values_a_statement_cannot_hold_exactly_are_refused() -> None:
    statement = Select(lambda when: User.objects.filter(date_joined=when))
    with pytest.raises(TypeError, match="aware"):
        statement.all(when=datetime(2026, 1, 1))
    with pytest.raises(TypeError, match="takes int"):
        statement.all(when=Decimal("1.5"))
    with pytest.raises(TypeError, match="takes int"):
        statement.all(when=1.5)


def test_prefetch_and_annotations_are_refused() -> None:
    with pytest.raises(NotPreparable, match="model instances"):
        Select(lambda pk: User.objects.filter(pk=pk).prefetch_related("groups")).all(pk=1)
    with pytest.raises(NotPreparable, match="model instances"):
        Select(lambda pk: User.objects.filter(pk=pk).values("pk")).all(pk=1)
    with pytest.raises(NotPreparable, match="annotations"):
        Select(lambda pk: User.objects.filter(pk=pk).annotate(n=F("pk"))).all(pk=1)


def test_bytes_are_written_and_read_back_exactly() -> None:
    doc = CxmlDocument.objects.create(direction="in", raw=b"<cXML/>", payload_id="p1")
    answer = Update(lambda pk, body: (CxmlDocument.objects.filter(pk=pk), {"answer": body}))
    for body in (b"\x00\xff<Response/>", b""):
        assert answer(pk=doc.pk, body=body) == 1
        assert bytes(CxmlDocument.objects.get(pk=doc.pk).answer) == body
    found = Select(lambda payload: CxmlDocument.objects.filter(payload_id=payload)).one(
        payload="p1"
    )
    assert found is not None
    assert bytes(found.raw) == b"<cXML/>"


def test_save_fields_writes_what_save_with_update_fields_writes() -> None:
    doc = CxmlDocument.objects.create(direction="in", raw=b"<cXML/>", payload_id="p1")
    stored = doc.updated_at
    doc.status_code, doc.status_text, doc.detail = 200, "OK", "fine"
    save_fields(doc, ("status_code", "status_text", "detail", "updated_at"))
    again = CxmlDocument.objects.get(pk=doc.pk)
    assert (again.status_code, again.status_text, again.detail) == (200, "OK", "fine")
    assert again.updated_at == doc.updated_at > stored  # auto_now ran, as in save()
    CxmlDocument.objects.filter(pk=doc.pk).delete()
    with pytest.raises(DatabaseError, match="did not affect any rows"):
        save_fields(doc, ("detail",))
