"""How each party's Django application is served under ASGI (docs/performance.md).

``PartyHandler`` is Django's ASGI handler with three ways through it, chosen from the
path before the body is read:

* **Machine endpoints** (every ``/cxml/`` URL: the inbound pipeline's endpoints and
  the PoomUrl) skip the browser middleware: partners send no cookies, sessions,
  CSRF tokens or users, and each sync-capable middleware would cost its own thread
  hop under ASGI. The view is called on the event loop; its database work is the
  pipeline's own calls on a *machine lane* (``punchin.web.lanes``). The answer is a
  cXML Status for what middleware would have answered in HTML (404, 400 for a host
  not in ``ALLOWED_HOSTS``, 500 for the unexpected).
* **Pages with a synchronous view** (and unknown paths, static files) run the whole
  request, request signals, middleware, view and all, in one call on a *page lane*:
  Django's own synchronous handler, the middleware semantics of a WSGI deployment.
* **Pages with an async view** (the storefront's punch-in attempt, PunchOut returns)
  go through Django's async handler, bound to a page lane, its middlewares' hooks run
  in batches (``punchin.web.batched``: three calls instead of thirteen).

No request starts a thread of its own or opens a database connection of its own: the
lanes are a fixed set of threads with persistent connections.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Awaitable, Callable
from typing import Any

from asgiref.sync import iscoroutinefunction, sync_to_async
from django.conf import settings
from django.core import signals
from django.core.exceptions import SuspiciousOperation
from django.core.handlers.asgi import ASGIHandler, get_script_prefix
from django.core.handlers.base import BaseHandler
from django.http import Http404, HttpRequest, HttpResponseBase
from django.urls import Resolver404, ResolverMatch, get_resolver, set_script_prefix

from punchin.web import batched, lanes, metrics
from punchin.web.asgi import ASGIApp, Receive, Scope, Send
from punchin.web.cxmlhttp import status_response

log = logging.getLogger("punchin.web.serving")

MACHINE_PREFIX = "/cxml/"
_RESOLVED = "punchin.resolved"  # scope key: an async page's path and match


def path_info(scope: Scope) -> str:
    """The path Django resolves, as ``ASGIRequest`` computes it."""
    path: str = scope["path"]
    prefix = get_script_prefix(scope)
    return path.removeprefix(prefix) if prefix else path


class PartyHandler(ASGIHandler):  # type: ignore[misc]
    def __init__(self) -> None:
        super().__init__()  # the async chain (punchin.web.batched), for async views
        self.pages = BaseHandler()
        self.pages.load_middleware(is_async=False)
        self.machine_lanes = lanes.lanes(lanes.MACHINE)
        self.page_lanes = lanes.lanes(lanes.PAGE)

    def load_middleware(self, is_async: bool = False) -> None:
        self.outer_batch = batched.load(self)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            raise ValueError(f"Django can only handle ASGI/HTTP connections, not {scope['type']}")
        path = path_info(scope)
        if path.startswith(MACHINE_PREFIX):
            async with self.machine_lanes.bound():
                await self._serve(scope, receive, send, self._machine)
            return
        match = _match_of(path)
        async with self.page_lanes.bound():
            if match is not None and iscoroutinefunction(match.func):
                scope[_RESOLVED] = (path, match)  # resolve_request takes it from here
                await self._serve(scope, receive, send, self._async_page)
            else:  # asgiref's hop: a sync view may call async_to_sync, which needs its
                # bookkeeping of the event loop (lanes.call keeps none)
                await self._serve(scope, receive, send, sync_to_async(self._page))

    async def _serve(
        self,
        scope: Scope,
        receive: Receive,
        send: Send,
        respond: Callable[[HttpRequest], Awaitable[HttpResponseBase]],
    ) -> None:
        """Read the body, answer, send; the disconnect of a client does not cancel
        the work (a partner's retry then finds the stored answer)."""
        try:
            body_file = await self.read_body(receive)
        except Exception:  # RequestAborted: the client went away before its body ended
            return
        set_script_prefix(get_script_prefix(scope))
        request, error = self.create_request(scope, body_file)
        if request is None:
            body_file.close()
            await self.send_response(error, send)
            return
        started = time.perf_counter()
        try:
            response = await respond(request)
            await self.send_response(response, send)
        finally:
            request.close()
            body_file.close()
        if response.streaming:  # a static file: closed (and request_finished) after it is sent
            await lanes.call(response.close)
        match = getattr(request, "resolver_match", None)
        kind = "machine" if respond == self._machine else "page"
        endpoint = match.view_name if match is not None else "(none)"
        metrics.observe_request(kind, endpoint, response.status_code, time.perf_counter() - started)

    def resolve_request(self, request: HttpRequest) -> ResolverMatch:
        """The async page's match as ``__call__`` found it, unless a middleware gave the
        request a URLconf or path of its own."""
        path, match = request.scope.get(_RESOLVED, (None, None))  # type: ignore[attr-defined]
        if match is None or path != request.path_info or hasattr(request, "urlconf"):
            found: ResolverMatch = super().resolve_request(request)
            return found
        request.resolver_match = match
        return match

    def _page(self, request: HttpRequest) -> HttpResponseBase:
        """One call on the page lane: what a WSGI server runs for a request."""
        signals.request_started.send(sender=self.__class__, scope=request.scope)  # type: ignore[attr-defined]
        response: HttpResponseBase = self.pages.get_response(request)
        if not response.streaming:
            response.close()  # request_finished: the lane's connection is checked here
        return response

    async def _async_page(self, request: HttpRequest) -> HttpResponseBase:
        """Django's async chain, its hooks batched; the outermost batch sends the
        request signals (else they cost two calls of their own here)."""
        if self.outer_batch is None:
            await signals.request_started.asend(sender=self.__class__, scope=request.scope)  # type: ignore[attr-defined]
        response: HttpResponseBase = await self.get_response_async(request)
        if self.outer_batch is None and not response.streaming:
            await lanes.call(response.close)
        return response

    async def _machine(self, request: HttpRequest) -> HttpResponseBase:
        try:
            request.get_host()  # ALLOWED_HOSTS, as CommonMiddleware checks it for pages
            match = get_resolver().resolve(request.path_info)
            request.resolver_match = match
            view: Any = match.func
            if iscoroutinefunction(view):
                response: HttpResponseBase = await view(request, *match.args, **match.kwargs)
            else:
                response = await lanes.call(view, request, *match.args, **match.kwargs)
        except (Resolver404, Http404):
            response = status_response(404, "no cXML endpoint at this URL", text="Not Found")
        except SuspiciousOperation as exc:
            log.warning("refused %s %s: %s", request.method, request.path, exc)
            response = status_response(400, "request refused: check the Host header")
        except Exception:
            log.exception("unexpected failure in %s", request.path)
            response = status_response(500, "unexpected failure; the request can be retried")
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        return response


def _match_of(path: str) -> ResolverMatch | None:
    try:
        return get_resolver().resolve(path)
    except Resolver404:
        return None


def application() -> ASGIApp:
    """A party's ASGI application (``DJANGO_SETTINGS_MODULE`` set): its handler behind
    the body limit, owning the lifespan (``punchin.web.asgi``)."""
    import django

    from punchin.web.asgi import BodyLimit, SharedClient

    django.setup(set_prefix=False)
    return SharedClient(BodyLimit(PartyHandler(), settings.PUNCHIN_MAX_BODY_BYTES))
