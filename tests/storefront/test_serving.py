"""The serving stack (punchin.web.serving, batched, lanes, metrics, logs) on the real
storefront under uvicorn: machine endpoints without the browser middleware, the
middlewares' hooks batched with Django's semantics, the metrics page, JSON log lines
that carry the payloadID."""

from __future__ import annotations

import asyncio
import io
import json
import logging
import threading
import urllib.error
import urllib.request
from collections.abc import Iterator
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.test import RequestFactory, override_settings
from django.urls import URLResolver

from punchin.cxml import reply_status
from punchin.storefront.submissions.models import PunchInSubmission
from punchin.web import batched, demo
from punchin.web.logs import JsonFormatter, PayloadIdFilter
from punchin.web.serving import PartyHandler
from punchin.web.testing import LiveASGIServer
from tests.connections import Watch

from .conftest import Acme, Browser, FakeProcurement
from .test_punchin import drive, fetching_procurement, submit

# --- batched middleware: Django's semantics, layer by layer -------------------------

SEEN: list[str] = []


class _Recorder:
    name = ""
    answer_at_request = False
    fail_at_request = False

    def __init__(self, get_response: Any) -> None:
        self.get_response = get_response

    def process_request(self, request: HttpRequest) -> HttpResponse | None:
        SEEN.append(f"{self.name}.request:{threading.current_thread().name}")
        if self.fail_at_request:
            raise PermissionDenied
        return HttpResponse(f"from {self.name}", status=299) if self.answer_at_request else None

    def process_response(self, request: HttpRequest, response: HttpResponse) -> HttpResponse:
        SEEN.append(f"{self.name}.response:{response.status_code}")
        return response


def _recorder(name: str, **flags: bool) -> type:
    from django.utils.deprecation import MiddlewareMixin

    return type(name, (_Recorder, MiddlewareMixin), {"name": name, **flags})


Outer = _recorder("Outer")
Answers = _recorder("Answers", answer_at_request=True)
Fails = _recorder("Fails", fail_at_request=True)
Inner = _recorder("Inner")
OUTER, ANSWERS, FAILS, INNER = (f"{__name__}.{n}" for n in ("Outer", "Answers", "Fails", "Inner"))


def _run(middleware: list[str]) -> HttpResponse:
    SEEN.clear()
    with override_settings(MIDDLEWARE=middleware):
        handler = PartyHandler()
    request = RequestFactory().get("/search")
    response: HttpResponse = asyncio.run(handler.get_response_async(request))
    return response


def test_a_process_request_answer_skips_inner_layers_but_passes_its_own_process_response() -> None:
    response = _run([OUTER, ANSWERS, INNER])
    assert response.status_code == 299
    names = [entry.split(":")[0] for entry in SEEN]
    assert names == ["Outer.request", "Answers.request", "Answers.response", "Outer.response"]
    request_threads = {entry.split(":")[1] for entry in SEEN if ".request" in entry}
    assert len(request_threads) == 1  # both process_request hooks in one call


def test_an_exception_in_process_request_is_the_response_of_its_layer_seen_by_the_outer_ones() -> (
    None
):
    response = _run([OUTER, FAILS, INNER])
    assert response.status_code == 403
    assert [entry.split(":")[0] for entry in SEEN] == [
        "Outer.request",
        "Fails.request",
        "Outer.response",
    ]
    assert SEEN[-1] == "Outer.response:403"


def test_hook_style_middlewares_become_one_batch_and_others_stay_layers() -> None:
    with override_settings(MIDDLEWARE=[OUTER, "axes.middleware.AxesMiddleware", INNER]):
        handler = PartyHandler()
    assert handler.outer_batch is not None
    assert [type(m).__name__ for m in handler.outer_batch.instances] == ["Outer"]
    assert batched.batchable(Inner)
    assert not batched.batchable(__import__("axes.middleware").middleware.AxesMiddleware)


# --- machine endpoints ----------------------------------------------------------------

pytestmark_db = pytest.mark.django_db(transaction=True)


@pytestmark_db
def test_an_unknown_cxml_url_gets_a_cxml_404_not_a_page(storefront: LiveASGIServer) -> None:
    reply = Browser(storefront.url).get("/cxml/nowhere")
    assert reply.status == 404
    status = reply_status(reply.body)
    assert status is not None
    assert status.code == 404
    assert reply.headers["content-type"].startswith("text/xml")
    assert "set-cookie" not in reply.headers  # no session, no CSRF cookie: no middleware


@pytestmark_db
def test_a_cxml_request_for_a_host_not_allowed_is_refused_with_400(
    storefront: LiveASGIServer,
) -> None:
    reply = Browser(storefront.url).get("/cxml/poom/abc", Host="evil.example")
    assert reply.status == 400
    status = reply_status(reply.body)
    assert status is not None
    assert status.code == 400


# --- pages: their database work on the lanes -------------------------------------------


@pytestmark_db
def test_an_async_page_that_fails_renders_its_error_page_on_a_lane(
    acme: Acme, storefront: LiveASGIServer
) -> None:
    """The error page of an exception raised in an async view queries the database
    (its context processors); Django builds it on the loop's default executor, whose
    threads would each open a connection no lane closes (punchin.web.batched)."""
    browser = Browser(storefront.url).sign_in(demo.PUNCHIN_BUYER)
    with Watch() as watch:
        for _ in range(3):  # the default executor has threads enough for each
            reply = browser.post("/punchin/submissions/999999/attempt")  # no such submission
            assert reply.status == 404
            assert "Page not found" in reply.text
    assert watch.threads == []


@pytestmark_db
def test_an_async_page_is_resolved_once(
    storefront: LiveASGIServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The handler resolves the path to choose the way through; Django's async handler
    takes that match instead of resolving again."""
    browser = Browser(storefront.url)  # not signed in: refused by the view, not a 404
    resolved: list[str] = []
    resolve = URLResolver.resolve

    def counted(self: URLResolver, path: str) -> Any:
        if self.pattern.regex.pattern == "^/":  # the root resolver: once per resolution
            resolved.append(path)
        return resolve(self, path)

    monkeypatch.setattr(URLResolver, "resolve", counted)
    reply = browser.post("/punchin/submissions/999999/attempt")  # an async view
    assert reply.status == 403  # (a 404 is resolved again: CommonMiddleware's APPEND_SLASH)
    assert resolved.count("/punchin/submissions/999999/attempt") == 1


# --- metrics and JSON logs ------------------------------------------------------------


@pytest.fixture
def json_log() -> Iterator[io.StringIO]:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(PayloadIdFilter())
    handler.setFormatter(JsonFormatter())
    logger = logging.getLogger("punchin")
    logger.addHandler(handler)
    try:
        yield stream
    finally:
        logger.removeHandler(handler)


@pytestmark_db
def test_a_punch_in_is_counted_and_its_log_lines_carry_its_payload_id(
    acme: Acme,
    dev: Any,
    storefront: LiveASGIServer,
    procurement: Any,
    json_log: io.StringIO,
) -> None:
    fetched: list[bytes] = []
    fake: FakeProcurement = procurement(fetching_procurement(fetched))
    acme.configure(fake.url)
    submission = submit(acme, storefront.url)
    browser = Browser(storefront.url).sign_in(demo.PUNCHIN_BUYER)
    assert drive(browser, submission)[-1]["state"] == "accepted"

    text = browser.get("/metrics").text
    assert 'punchin_punchin_attempts_total{state="accepted",system=' in text
    assert 'endpoint="submissions:poom",kind="machine",status="200"' in text
    assert 'endpoint="submissions:attempt",kind="page",status="200"' in text

    # The setup request posted to the order endpoint: refused (450), and the refusal's
    # log line names the payloadID it was about.
    setup = PunchInSubmission.objects.select_related("setup_request").get().setup_request.sent
    request = urllib.request.Request(  # noqa: S310 (http to the live server)
        storefront.url + "/cxml/order", data=setup, headers={"Content-Type": "text/xml"}
    )
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(request, timeout=30)  # noqa: S310
    refused.value.close()  # its socket, not left to the garbage collector
    assert refused.value.code == 400  # cXML 450 travels as HTTP 400
    lines = [json.loads(line) for line in json_log.getvalue().splitlines()]
    assert {"time", "level", "logger", "payload_id", "message"} <= set(lines[-1])
    assert lines[-1]["payload_id"] == submission.payload_id
    assert "refused" in lines[-1]["message"]
    text = browser.get("/metrics").text
    assert 'document_type="PunchOutSetupRequest",partner="unknown",status="450"' in text


@pytestmark_db
def test_metrics_need_the_token_outside_development(
    storefront: LiveASGIServer, settings: Any
) -> None:
    settings.PUNCHIN_DEV = False
    browser = Browser(storefront.url)
    assert browser.get("/metrics").status == 403  # loopback proves nothing behind nginx
    settings.PUNCHIN_METRICS_TOKEN = "scrape-me"
    assert browser.get("/metrics").status == 403
    assert browser.get("/metrics", Authorization="Bearer wrong").status == 403
    assert browser.get("/metrics", Authorization="Bearer scrape-me").status == 200
