"""cXML over Django HTTP: read a posted document, answer with a ``Response/Status``.

One decorator turns every refusal into the cXML Status its error carries and every
unexpected exception into a logged 500, so no endpoint ever answers a partner with
a stack trace (docs/style.md section 4, docs/security.md row 22).
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Awaitable, Callable

from django.http import HttpRequest, HttpResponse

from punchin.cxml import Document, http_status_for, response_document, response_status, serialize
from punchin.cxml.errors import CXMLError

log = logging.getLogger("punchin.web")

CXML_CONTENT_TYPE = "text/xml; charset=UTF-8"


def cxml_response(document: Document) -> HttpResponse:
    """The HTTP answer carrying ``document``, a cXML Response."""
    status = response_status(document)
    http_status = http_status_for(status.code) if status is not None else 200
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
