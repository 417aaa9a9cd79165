"""What both parties' error pages must do (punchin.web.errors), for each party's tests:
the site's layout and a way back for people, a cXML Status under /cxml/ for machines."""

from __future__ import annotations

import re
from collections.abc import Callable

from django.http import HttpResponse
from django.test import Client

from punchin.cxml import parse
from punchin.cxml.envelope import Response


def error_page(answer: HttpResponse, status: int, brand: str) -> str:
    """The page's text, once it is checked to be ``status`` in the site's layout (its
    stylesheet, brand and a way back, the site's Content-Security-Policy)."""
    assert answer.status_code == status
    assert answer["Content-Type"].startswith("text/html")
    assert "default-src 'self'" in answer.headers["Content-Security-Policy"]
    page = answer.content.decode()
    assert f'data-status="{status}"' in page
    assert brand in page
    assert re.search(r'<link rel="stylesheet" href="/static/[\w/]+site\.css">', page)
    assert 'id="error-home"' in page
    assert "Traceback" not in page
    return page


def cxml_status(answer: HttpResponse, status: int) -> str:
    """The text of a cXML Status answer: never an HTML page under /cxml/."""
    assert answer.status_code == status
    assert answer["Content-Type"].startswith("text/xml")
    body = parse(answer.content).body
    assert isinstance(body, Response)
    assert body.status.code == status
    return body.status.detail


def check_every_error(
    client: Client, brand: str, post_form: str, sign_in: Callable[[Client], None]
) -> None:
    """400, 404 and a refused CSRF token, for a signed-in visitor; ``post_form`` is a
    page with a form that takes POST."""
    sign_in(client)
    missing = error_page(client.get("/no-such-page-here/"), 404, brand)
    assert "Page not found" in missing
    assert 'id="error-back"' not in missing  # nowhere to go back to
    back = client.get(
        "/no-such-page-here/", HTTP_REFERER="http://testserver/somewhere/?page=2"
    ).content.decode()
    assert 'href="http://testserver/somewhere/?page=2" id="error-back"' in back
    elsewhere = client.get("/no-such-page-here/", HTTP_REFERER="https://attacker.example/")
    assert "attacker.example" not in elsewhere.content.decode()
    bad = error_page(client.get("/", HTTP_HOST="attacker.example"), 400, brand)
    assert "This request could not be read" in bad
    strict = Client(enforce_csrf_checks=True)
    sign_in(strict)
    expired = error_page(strict.post(post_form, {}), 403, brand)
    assert "This form has expired" in expired
    assert "Technical details" in expired
    assert "CSRF" in expired  # Django's reason, one click away


def check_machine_answers(client: Client) -> None:
    """Under /cxml/ a 404 and a failing view answer in cXML, saying what to do."""
    missing = cxml_status(client.get("/cxml/no-such-endpoint"), 404)
    assert missing == "no cXML endpoint at /cxml/no-such-endpoint; the ProfileRequest lists them"
    broken = Client(raise_request_exception=False)
    assert "can be retried" in cxml_status(broken.get("/cxml/fail"), 500)


def check_server_error(brand: str) -> None:
    """A view that fails: the party's static 500 page, without the request's context."""
    broken = Client(raise_request_exception=False)
    page = error_page(broken.get("/fail/"), 500, brand)
    assert "Something went wrong on our side" in page
    assert 'href="/" id="error-home"' in page
