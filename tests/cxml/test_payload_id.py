"""payloadIDs: the recommended form, unique, short enough; timestamps in whole seconds."""

from __future__ import annotations

import os
import re
import socket
import time
from datetime import UTC, datetime, timedelta

import pytest

from punchin.cxml.payload_id import new_payload_id, now

# datetime.process id.random number@hostname (cXML User's Guide, docs/protocol.md S1).
FORM = re.compile(r"(?P<epoch>\d+)\.(?P<pid>\d+)\.(?P<random>\d+)@(?P<host>[A-Za-z0-9.-]+)")


def test_form_and_parts() -> None:
    before = int(time.time())
    found = FORM.fullmatch(new_payload_id("supplier.example.com"))
    assert found is not None
    assert before <= int(found["epoch"]) <= int(time.time())
    assert int(found["pid"]) == os.getpid()
    assert found["host"] == "supplier.example.com"


def test_unique_over_100k_ids() -> None:
    ids = [new_payload_id("h") for _ in range(100_000)]
    assert len(set(ids)) == len(ids)


def test_host_defaults_to_this_machine() -> None:
    expected = re.sub(r"[^A-Za-z0-9.-]+", "-", socket.gethostname()).strip(".-") or "localhost"
    assert new_payload_id().endswith("@" + expected[:200].rstrip(".-"))


@pytest.mark.parametrize(
    ("host", "written"),
    [
        ('shop <&> "x"', "shop-x"),
        ("", "localhost"),
        ("...", "localhost"),
        ("häst.example", "h-st.example"),
    ],
)
def test_host_is_sanitised(host: str, written: str) -> None:
    found = FORM.fullmatch(new_payload_id(host))
    assert found is not None
    assert found["host"] == written


def test_length_stays_within_255_even_for_huge_host_names() -> None:
    payload_id = new_payload_id("a" * 10_000)
    assert FORM.fullmatch(payload_id) is not None
    assert len(payload_id) <= 255


def test_now_is_aware_utc_whole_seconds() -> None:
    value = now()
    assert value.tzinfo is UTC
    assert value.microsecond == 0
    assert abs(datetime.now(UTC) - value) < timedelta(seconds=2)
