"""cXML over Django HTTP: read a posted document, answer with a ``Response/Status``.

One decorator turns every refusal into the cXML Status its error carries and every
unexpected exception into a logged 500, so no endpoint ever answers a partner with
a stack trace (docs/style.md section 4, docs/security.md row 22).
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime

from django.http import HttpRequest, HttpResponse

from punchin.cxml import Document, serialize
from punchin.cxml.common import Status
from punchin.cxml.envelope import Response, ResponsePayload
from punchin.cxml.errors import CXMLError
from punchin.cxml.payload_id import new_payload_id
from punchin.cxml.status import standard_text

log = logging.getLogger("punchin.web")

CXML_CONTENT_TYPE = "text/xml; charset=UTF-8"
# HTTP statuses that mirror a cXML code; any other code travels in an HTTP 200
# (the cXML Status is what partners act on: docs/protocol.md S0).
_HTTP_MIRRORED = frozenset({400, 401, 403, 404, 406, 409, 412, 413, 417, 500})


def response_document(
    code: int,
    text: str | None = None,
    detail: str = "",
    payload: ResponsePayload | None = None,
    lang: str = "en-US",
) -> Document:
    return Document(
        payload_id=new_payload_id(),
        timestamp=datetime.now(UTC).replace(microsecond=0),
        lang=lang,
        body=Response(
            status=Status(code=code, text=text or standard_text(code), detail=detail, lang=lang),
            payload=payload,
        ),
    )


def cxml_response(document: Document) -> HttpResponse:
    """The HTTP answer carrying ``document``, a cXML Response."""
    body = document.body
    code = body.status.code if isinstance(body, Response) else 200
    http_status = code if code in _HTTP_MIRRORED else (200 if code < 400 else 400)
    return HttpResponse(serialize(document), status=http_status, content_type=CXML_CONTENT_TYPE)


def status_response(code: int, detail: str = "", text: str | None = None) -> HttpResponse:
    return cxml_response(response_document(code, text, detail))


AsyncView = Callable[..., Awaitable[HttpResponse]]


def cxml_endpoint(view: AsyncView) -> AsyncView:
    """Wrap an async view: CXMLError -> its Status; anything else -> logged 500."""

    @functools.wraps(view)
    async def wrapper(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
        try:
            return await view(request, *args, **kwargs)
        except CXMLError as exc:
            log.info("refused %s %s: %s %s", request.method, request.path, exc.code, exc.detail)
            return status_response(exc.code, exc.detail, exc.text)
        except Exception:
            log.exception("unexpected failure in %s", request.path)
            return status_response(500, "unexpected failure; the request can be retried")

    return wrapper
