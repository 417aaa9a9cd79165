"""The document log never keeps a SharedSecret (secrets are never logged)."""

from __future__ import annotations

import time

import pytest

from punchin.web.documents import redact_secrets


@pytest.mark.parametrize(
    ("raw", "stored"),
    [
        (b"<a><SharedSecret>s3cret</SharedSecret></a>", b"<a><SharedSecret>***</SharedSecret></a>"),
        (
            b'<SharedSecret xml:lang="en">a</SharedSecret><x/><SharedSecret>b</SharedSecret>',
            b'<SharedSecret xml:lang="en">***</SharedSecret><x/><SharedSecret>***</SharedSecret>',
        ),
        (b"<SharedSecret>s3<!-- -->cret</SharedSecret>", b"<SharedSecret>***</SharedSecret>"),
        (b"<SharedSecret>never closed s3cret", b"<SharedSecret>***"),
        (b"<Identity>no secret here</Identity>", b"<Identity>no secret here</Identity>"),
    ],
    ids=["one", "two-with-attribute", "comment-inside", "unclosed", "none"],
)
def test_shared_secrets_are_redacted(raw: bytes, stored: bytes) -> None:
    assert redact_secrets(raw) == stored


def test_redaction_is_linear_on_hostile_bodies() -> None:
    hostile = b"<SharedSecret>" * 70_000 + b"x" * 1_000_000  # ~2 MB, nothing closed
    started = time.perf_counter()
    assert redact_secrets(hostile).endswith(b"***")
    assert time.perf_counter() - started < 1.0
