"""Error pages of both parties: 400, 403, 404, 500 and a refused CSRF token, in the
site's own layout (each party's ``errors/page.html`` and ``errors/500.html``) with a
way back; under ``/cxml/`` a cXML Status instead, since partners' software reads
those answers, never HTML (docs/style.md section 4).

The parties name these in their URLconf (``handler400`` ...) and ``CSRF_FAILURE_VIEW``.
"""

from __future__ import annotations

import logging

from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest, HttpResponse, HttpResponseServerError
from django.shortcuts import render
from django.template import loader
from django.template.exceptions import TemplateDoesNotExist
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.csrf import requires_csrf_token

from punchin.web.cxmlhttp import status_response

log = logging.getLogger("punchin.web")

MACHINE_PREFIX = "/cxml/"


def _machine(request: HttpRequest) -> bool:
    return request.path_info.startswith(MACHINE_PREFIX)


def _previous_page(request: HttpRequest) -> str:
    """The page the visitor came from, if it is one of ours and not this one."""
    referer = request.META.get("HTTP_REFERER", "")
    try:
        ours = url_has_allowed_host_and_scheme(
            referer, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        )
    except Exception:  # DisallowedHost: the 400 this very request may be answering
        return ""
    return referer if ours and not referer.endswith(request.get_full_path()) else ""


def _page(
    request: HttpRequest, status: int, title: str, text: str, *, machine: str, detail: str = ""
) -> HttpResponse:
    """The page for people, or for a partner's software the cXML Status ``machine``."""
    if _machine(request):
        return status_response(status, machine)
    if not hasattr(request, "user"):  # refused before the authentication middleware ran
        request.user = AnonymousUser()
    context = {
        "status": status,
        "title": title,
        "text": text,
        "detail": detail,
        "back_url": _previous_page(request),
    }
    return render(request, "errors/page.html", context, status=status)


@requires_csrf_token
def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _page(
        request,
        400,
        "This request could not be read",
        "Something in the address or the form was not what this site expects. Go back "
        "and try again; if it keeps happening, tell the site's administrator.",
        machine="the request could not be read (its Host header or its form)",
    )


@requires_csrf_token
def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """The refusal's own words (punchin.web.roles.Role.refusal) when it has some."""
    reason = str(exception.args[0]) if exception is not None and exception.args else ""
    return _page(
        request,
        403,
        "This page is not for your sign-in",
        reason or "Your sign-in does not give access to this page.",
        machine="refused",
    )


@requires_csrf_token
def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _page(
        request,
        404,
        "Page not found",
        "There is no page at this address, or none that your sign-in can see. Check "
        "the address, or go back.",
        machine=f"no cXML endpoint at {request.path}; the ProfileRequest lists them",
    )


@requires_csrf_token
def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """A form posted without this site's token, or with an old one."""
    return _page(
        request,
        403,
        "This form has expired",
        "The form came without this site's security token, or with an old one (after "
        "signing in or out in another tab, or a long wait). Nothing was changed: go "
        "back, reload the page and send the form again.",
        machine=f"refused: {reason}",
        detail=reason,
    )


@requires_csrf_token
def server_error(request: HttpRequest) -> HttpResponse:
    """Rendered without the request's context (its user, the database may be what
    failed): ``errors/500.html`` needs nothing but static files."""
    if _machine(request):
        return status_response(500, "unexpected failure; the request can be retried")
    try:
        return HttpResponseServerError(loader.get_template("errors/500.html").render())
    except TemplateDoesNotExist:
        log.exception("no errors/500.html")
        return HttpResponseServerError(b"<h1>Server error (500)</h1>", content_type="text/html")
