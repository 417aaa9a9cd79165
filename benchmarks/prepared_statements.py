"""What a statement costs through the ORM and as a prepared statement (punchin.web.prepared).

Migrates a fresh SQLite database (or the PostgreSQL one of ``DATABASE_URL``) with the
storefront's settings, fills Django's user and session tables, and times, in turns,
statements of the punch-in's shapes written both ways: a row by primary key, the
session's lookup (a key and a datetime), a two-table ``select_related`` query, and a
guarded UPDATE of three columns, and the INSERT of a log row (sixteen columns; through
``punchin.web.inserts``, against the same ``save`` with Django's own INSERT). Prints the
median thread CPU time per call.

    .venv/bin/python benchmarks/prepared_statements.py            # --calls N --rounds N
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/<a scratch database> \\
        .venv/bin/python benchmarks/prepared_statements.py

Its users and sessions are deleted first: never point it at a database that matters.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=2000, help="calls per round and way")
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    os.environ.setdefault("PUNCHIN_DATA_DIR", tempfile.mkdtemp(prefix="punchin-prepared-"))
    os.environ["DJANGO_SETTINGS_MODULE"] = "punchin.storefront.settings"
    import django

    django.setup()
    from django.contrib.auth.models import Permission, User
    from django.contrib.sessions.models import Session
    from django.core.management import call_command
    from django.db import connection, models
    from django.utils import timezone

    from punchin.storefront.documents.models import CxmlDocument
    from punchin.web.documents import Direction
    from punchin.web.prepared import Select, Update

    call_command("migrate", verbosity=0)
    User.objects.all().delete()
    Session.objects.all().delete()
    now = timezone.now()
    users = User.objects.bulk_create(User(username=f"user{i}") for i in range(200))
    Session.objects.bulk_create(
        Session(session_key=f"key{i:06d}", session_data="x", expire_date=now + timedelta(days=1))
        for i in range(200)
    )
    codenames = list(Permission.objects.values_list("codename", flat=True)[:50])
    pks = [u.pk for u in users]
    CxmlDocument.objects.all().delete()
    body = b"<cXML>" + b"<ItemIn/>" * 300 + b"</cXML>"

    def log_row(i: int) -> CxmlDocument:
        return CxmlDocument(
            direction=Direction.INBOUND,
            document_type="PunchOutOrderMessage",
            payload_id=f"{i}@store.example",
            peer="https://store.example/poom",
            raw=body,
            size=len(body),
            body_digest="ab" * 32,
        )

    def django_insert(i: int) -> None:
        row = log_row(i)
        # The same save, with Django's own INSERT in place of the cached one.
        row._do_insert = models.Model._do_insert.__get__(row)  # type: ignore[method-assign]
        row.save()

    user = Select(lambda pk: User.objects.filter(pk=pk))
    session = Select(lambda key, now: Session.objects.filter(session_key=key, expire_date__gt=now))
    related = Select(
        lambda code: Permission.objects.select_related("content_type").filter(codename=code)
    )
    touch = Update(
        lambda pk, active, when, name: (
            User.objects.filter(pk=pk, is_active=active),
            {"last_login": when, "first_name": name, "last_name": name},
        )
    )
    cases: list[tuple[str, Callable[[int], object], Callable[[int], object]]] = [
        (
            "row by primary key",
            lambda i: User.objects.filter(pk=pks[i % 200]).first(),
            lambda i: user.one(pk=pks[i % 200]),
        ),
        (
            "session lookup",
            lambda i: Session.objects.filter(
                session_key=f"key{i % 200:06d}", expire_date__gt=timezone.now()
            ).first(),
            lambda i: session.one(key=f"key{i % 200:06d}", now=timezone.now()),
        ),
        (
            "select_related, two tables",
            lambda i: list(
                Permission.objects.select_related("content_type").filter(
                    codename=codenames[i % len(codenames)]
                )
            ),
            lambda i: related.all(code=codenames[i % len(codenames)]),
        ),
        (
            "guarded UPDATE, three columns",
            lambda i: User.objects.filter(pk=pks[i % 200], is_active=True).update(
                last_login=timezone.now(), first_name=f"n{i}", last_name=f"n{i}"
            ),
            lambda i: touch(pk=pks[i % 200], active=True, when=timezone.now(), name=f"n{i}"),
        ),
        ("log row INSERT, sixteen columns", django_insert, lambda i: log_row(i).save()),
    ]
    print(f"{connection.vendor}, {args.calls} calls x {args.rounds} rounds, thread CPU per call")
    print(f"{'statement':32} {'ORM ms':>8} {'prepared ms':>12} {'ratio':>6}")
    for name, orm, prepared in cases:
        prepared(0)  # compile once, outside the clock
        times: dict[str, list[float]] = {"orm": [], "prepared": []}
        for _ in range(args.rounds):
            for way, call in (("orm", orm), ("prepared", prepared)):
                start = time.thread_time()
                for i in range(args.calls):
                    call(i)
                times[way].append((time.thread_time() - start) / args.calls * 1000)
        a, b = statistics.median(times["orm"]), statistics.median(times["prepared"])
        print(f"{name:32} {a:8.3f} {b:12.3f} {a / b:6.1f}")


if __name__ == "__main__":
    main()
