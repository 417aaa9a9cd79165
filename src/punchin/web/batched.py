"""Django's async middleware chain with the synchronous middlewares' hooks batched.

Under ASGI, Django runs each sync-capable middleware's ``process_request`` and
``process_response`` through its own ``sync_to_async`` call, and each
``process_view`` through another: 13 thread hops per request with our list, each
costing more CPU than the hook it runs (docs/performance.md). Here every run of
consecutive hook-style middlewares (``MiddlewareMixin`` subclasses that keep its
``__call__``) becomes one layer that runs their ``process_request`` hooks in one call
and their ``process_response`` hooks in one call, and all ``process_view`` hooks run in
one call: 3 hops per request. Middlewares with a ``__call__`` of their own (WhiteNoise,
django-axes) stay layers of their own, as Django builds them.

Django's semantics are kept, layer by layer, as ``MiddlewareMixin.__call__`` and
``convert_exception_to_response`` give them: a response from a ``process_request``
skips the inner middlewares and the view but passes that middleware's own
``process_response`` and the outer ones'; an exception raised in a hook becomes the
response at that middleware's layer (``response_for_exception``), which the outer
``process_response`` hooks still see.

The first batched layer also sends ``request_started`` in its first call and, in its
last, closes a non-streaming response (``request_finished``), as Django's handler
would in two calls of their own.

An exception that leaves an async layer becomes its response on the request's lane
(``converted``), not where Django's ``convert_exception_to_response`` builds it: Django
calls ``response_for_exception`` with ``thread_sensitive=False``, on the event loop's
default executor, and the error page it renders queries the database (the context
processors), so each of those threads opened a connection of its own that no lane
closes, left to the garbage collector when the loop's executor ended.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from functools import wraps
from typing import Any

from asgiref.sync import iscoroutinefunction, markcoroutinefunction
from django.conf import settings
from django.core import signals
from django.core.exceptions import MiddlewareNotUsed
from django.core.handlers.exception import response_for_exception
from django.http import HttpRequest, HttpResponseBase
from django.utils.deprecation import MiddlewareMixin
from django.utils.module_loading import import_string

from punchin.web import lanes

AsyncHandler = Callable[[HttpRequest], Awaitable[HttpResponseBase]]


def batchable(middleware: type) -> bool:
    """A hook-style middleware: its hooks are all Django calls of it."""
    return (
        isinstance(middleware, type)
        and issubclass(middleware, MiddlewareMixin)
        and middleware.__call__ is MiddlewareMixin.__call__
        and getattr(middleware, "sync_capable", True)
    )


def converted(get_response: AsyncHandler) -> AsyncHandler:
    """``convert_exception_to_response`` for an async layer, the response for an
    exception built on the request's lane (thread-sensitive): see the module's doc."""

    @wraps(get_response)
    async def inner(request: HttpRequest) -> HttpResponseBase:
        try:
            return await get_response(request)
        except Exception as exc:
            response: HttpResponseBase = await lanes.call(response_for_exception, request, exc)
            return response

    return inner


def _never_called(request: HttpRequest) -> HttpResponseBase:
    raise AssertionError("a batched middleware's get_response is never called")


class Batch:
    """Consecutive hook-style middlewares (outermost first) as one async layer."""

    def __init__(self, instances: list[Any], get_response: AsyncHandler) -> None:
        self.instances = instances
        self.get_response = get_response
        self.signals = False  # set on the outermost batch: request_started / _finished
        markcoroutinefunction(self)

    async def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response, reached = await lanes.call(self._requests, request)
        if response is None:
            response = await self.get_response(request)  # already converted: never raises
        result: HttpResponseBase = await lanes.call(self._responses, request, response, reached)
        return result

    def _requests(self, request: HttpRequest) -> tuple[HttpResponseBase | None, int]:
        """``process_request`` in order; the response of the first that answers (or
        fails) and how many ``process_response`` hooks it passes back through."""
        if self.signals:
            signals.request_started.send(sender=type(self), scope=getattr(request, "scope", None))
        for index, middleware in enumerate(self.instances):
            hook = getattr(middleware, "process_request", None)
            if hook is None:
                continue
            try:
                response = hook(request)
            except Exception as exc:
                return response_for_exception(request, exc), index  # not its own hook
            if response is not None:
                return response, index + 1
        return None, len(self.instances)

    def _responses(
        self, request: HttpRequest, response: HttpResponseBase, reached: int
    ) -> HttpResponseBase:
        for middleware in reversed(self.instances[:reached]):
            hook = getattr(middleware, "process_response", None)
            if hook is None:
                continue
            try:
                response = hook(request, response)
            except Exception as exc:
                response = response_for_exception(request, exc)
        if self.signals and not response.streaming:
            response.close()  # request_finished on this thread: the lane's connection
        return response


def load(handler: Any) -> Batch | None:
    """``BaseHandler.load_middleware(is_async=True)`` with the batches: sets the
    handler's chain and hook lists; returns the outermost batch (None if there is
    none, and the handler's caller sends the request signals itself)."""
    handler._view_middleware = []
    handler._template_response_middleware = []
    handler._exception_middleware = []
    chain: AsyncHandler = converted(handler._get_response_async)
    pending: list[Any] = []  # a batch being collected, innermost first
    views: list[Any] = []  # process_view hooks, outermost first
    outermost: Batch | None = None

    def close_batch() -> None:
        nonlocal chain, outermost
        if pending:
            batch = Batch(list(reversed(pending)), chain)
            chain = converted(batch)
            outermost = batch
            pending.clear()

    for path in reversed(settings.MIDDLEWARE):
        middleware = import_string(path)
        if batchable(middleware):
            try:
                instance = middleware(_never_called)
            except MiddlewareNotUsed:
                continue
            pending.append(instance)
        else:
            close_batch()
            outermost = None  # a non-batched layer outside: the batch is not the first
            if not getattr(middleware, "async_capable", False):
                adapted = handler.adapt_method_mode(False, chain, True)
            else:
                adapted = chain
            try:
                instance = middleware(adapted)
            except MiddlewareNotUsed:
                continue
            if not iscoroutinefunction(instance):
                instance = handler.adapt_method_mode(True, instance, False)
            chain = converted(instance)
        if hasattr(instance, "process_view"):
            views.insert(0, instance.process_view)
        if hasattr(instance, "process_template_response"):
            handler._template_response_middleware.append(
                handler.adapt_method_mode(True, instance.process_template_response)
            )
        if hasattr(instance, "process_exception"):
            handler._exception_middleware.append(instance.process_exception)
    close_batch()
    if views:
        handler._view_middleware = [_views_in_one_call(views)]
    handler._middleware_chain = chain
    if outermost is not None:
        outermost.signals = True
    return outermost


def _views_in_one_call(hooks: list[Any]) -> Callable[..., Awaitable[HttpResponseBase | None]]:
    """Every ``process_view`` in one call, outermost first; the first response wins."""

    def run(request: HttpRequest, view: Any, args: Any, kwargs: Any) -> HttpResponseBase | None:
        for hook in hooks:
            response: HttpResponseBase | None = hook(request, view, args, kwargs)
            if response is not None:
                return response
        return None

    async def in_one_call(
        request: HttpRequest, view: Any, args: Any, kwargs: Any
    ) -> HttpResponseBase | None:
        return await lanes.call(run, request, view, args, kwargs)

    return in_one_call
