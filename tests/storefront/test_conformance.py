"""``punchin check supplier`` against the real storefront: every step passes.

The storefront runs under uvicorn (``LiveASGIServer``) with the demo account, in
development mode (loopback http allowed); its purchasing system's endpoint URL
(Configure Purchasing System, P9, P10) points at the checker. The buyer submits a cart
and the browser drives the attempts: the checker reads the setup request, fetches the
cart, answers 500, sees the same request again, answers 200, and the browser opens the
StartPage (P7, P15, P19, P23).
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator
from concurrent.futures import Future
from pathlib import Path
from typing import Any

import pytest

from punchin.conformance import Expected, Report, SupplierCheck, SupplierEndpoint, Verdict
from punchin.transport import BasicAuth
from punchin.web import demo
from punchin.web.testing import LiveASGIServer

from .conftest import Acme, Browser
from .test_punchin import drive, submit

pytestmark = pytest.mark.django_db(transaction=True)

JUDGED = {Verdict.PASS, Verdict.WARN, Verdict.FAIL}


class Checker:
    """A ``SupplierEndpoint`` running in a thread and loop of its own."""

    def __init__(self, check: SupplierCheck) -> None:
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)
        self._endpoint = SupplierEndpoint(check)
        self.url = ""
        self.report: Future[Report] | None = None

    def __enter__(self) -> Checker:
        self._thread.start()
        asyncio.run_coroutine_threadsafe(self._endpoint.__aenter__(), self._loop).result(10)
        self.url = self._endpoint.url
        self.report = asyncio.run_coroutine_threadsafe(self._endpoint.run(), self._loop)
        return self

    def __exit__(self, *exc: object) -> None:
        if self.report is not None:
            self.report.cancel()
        closing = self._endpoint.__aexit__(None, None, None)
        asyncio.run_coroutine_threadsafe(closing, self._loop).result(10)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(10)
        self._loop.close()


@pytest.fixture
def checker(dtd_dir: Path) -> Iterator[Checker]:
    expected = Expected(
        shared_secret=demo.SHARED_SECRET,
        sender_identity=demo.STORE_IDENTITY,
        authorization=BasicAuth(demo.ENDPOINT_USER, demo.ENDPOINT_PASSWORD).header(),
    )
    check = SupplierCheck(expected=expected, dtd_dir=dtd_dir, wait=30, retry_wait=30)
    with Checker(check) as running:
        yield running


def test_the_storefront_passes_punchin_check_supplier(
    acme: Acme, dev: Any, storefront: LiveASGIServer, checker: Checker
) -> None:
    acme.configure(checker.url)
    submission = submit(acme, storefront.url)
    browser = Browser(storefront.url).sign_in(demo.PUNCHIN_BUYER)

    progress = drive(browser, submission)
    assert [p["state"] for p in progress] == ["retrying", "accepted"]
    assert browser.get(progress[-1]["redirect_url"]).status == 200  # P7: the browser goes on

    assert checker.report is not None
    report = checker.report.result(30)
    shown = "\n".join(map(str, report))
    assert [str(f) for f in report if f.verdict in JUDGED - {Verdict.PASS}] == [], shown
    passed = {(f.step, f.check) for f in report if f.verdict is Verdict.PASS}
    assert {
        ("Setup request", "Authorization"),
        ("Setup request", "SharedSecret"),
        ("Setup request", "UserEmail"),
        ("Setup request", "PoomUrl"),
        ("Setup request", "DTD-valid"),
        ("Cart", "payloadID"),
        ("Cart", "DTD-valid"),
        ("Cart", "Total"),
        ("Retry", "Retried after 500"),
        ("Retry", "Same payloadID"),
        ("Retry", "Cart on retry"),
        ("StartPage", "StartPage opened"),
    } <= passed, shown
