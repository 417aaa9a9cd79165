"""A fixed set of database threads per server process, each with its own persistent
connection: the synchronous side of every request runs on one of them.

Django under ASGI runs each request's synchronous work (sync views, sync middleware,
ORM calls through ``sync_to_async``) on a thread of its own, started for that request
and joined after it, and opens a database connection per thread (docs/performance.md
measured this as the largest single cost of a punch-in). Here a request is bound to a
*lane* instead: a one-thread executor that lives as long as the process, given to
asgiref as the request's ``ThreadSensitiveContext`` executor, so all of the request's
thread-sensitive calls still run on one thread, in order, as Django expects. Lanes are
shared: several requests may queue work on one lane, each call running to its end
before the next (a connection is never used by two threads, and no transaction spans
two calls, because Django's ``atomic`` cannot span an ``await``). A request picks the
lane with the fewest requests bound to it.

Our own code steps into synchronous code with ``call``: the bound lane's queue and a
callback on the event loop, in a copy of the context that comes back as asgiref's
``sync_to_async`` brings it, without asgiref's executor search, its ``shield`` and the
``concurrent.futures`` future between (docs/performance.md, session 11: about half the
CPU of a hop). Django's own hops (its async handler, middleware adapters) still go
through asgiref, to the same lane.

Two sets per process, so that a cXML partner's request never waits behind a page:

* **machine** lanes serve the ``/cxml/`` endpoints. Their calls never wait on the
  network: the inbound pipeline runs its cart fetch (``prepare``) and every send on
  the event loop, between its calls, so a machine lane is always free within the time
  of one transaction.
* **page** lanes serve the browser pages, whose synchronous views may wait on another
  server (an identity provider's token endpoint, say).

Why a punch-in cannot deadlock: the storefront's attempt and procurement's Punch-in
endpoint wait for each other's party on the event loop, holding no lane; the calls
they make on lanes touch only their own database. The other party only ever calls
our ``/cxml/`` endpoints, which run on machine lanes, whose calls end without waiting
on anyone. So no cycle of waits can pass through a lane. ``tests/storefront/
test_deadlock.py`` holds 24 setup requests in flight while their PoomUrls are fetched.

Connections stay open between requests (``CONN_MAX_AGE = None``). After each call the
lane drops a connection that failed and is no longer usable (Django's own
``close_old_connections``, which the request signals would otherwise run), so a
restarted database costs one failed request per lane, not a stuck server.
``close_all`` closes every lane's connections (server shutdown, end of a test).
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import functools
import os
import threading
from collections.abc import AsyncIterator, Callable
from concurrent.futures import Executor, Future
from queue import SimpleQueue
from typing import Any, TypeVar

from asgiref.sync import ThreadSensitiveContext, sync_to_async
from asgiref.sync import _restore_context as carried  # the context moves as asgiref moves it
from django.db import close_old_connections, connections

T = TypeVar("T")

MACHINE = "machine"
PAGE = "page"
# Threads per set, from the environment (docs/performance.md measured 2 and 4).
_SIZES = {MACHINE: "PUNCHIN_MACHINE_THREADS", PAGE: "PUNCHIN_PAGE_THREADS"}
_DEFAULT_SIZES = {MACHINE: 2, PAGE: 4}

_current: contextvars.ContextVar[Lane | None] = contextvars.ContextVar("lane", default=None)


def _kept(fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    try:
        return fn(*args, **kwargs)
    finally:
        close_old_connections()


class Lane(Executor):
    """One thread, its connection kept; every call ends with the connection check.

    Work arrives two ways, served in one queue in order: ``submit`` (an ``Executor``'s,
    for asgiref's ``sync_to_async`` in Django's own code) and ``call`` (ours), which
    hands the result to the event loop without the ``concurrent.futures`` machinery
    between: half the CPU of a hop through asgiref and a ``ThreadPoolExecutor``
    (docs/performance.md, session 11)."""

    def __init__(self, name: str) -> None:
        self.bound = 0  # requests bound to this lane now (read and written on the loop)
        self._work: SimpleQueue[Callable[[], None] | None] = SimpleQueue()
        self._thread = threading.Thread(target=self._serve, name=name, daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        while (item := self._work.get()) is not None:
            item()

    def submit(self, fn: Callable[..., T], /, *args: Any, **kwargs: Any) -> Future[T]:
        future: Future[T] = Future()
        self._work.put(functools.partial(_into_future, future, fn, args, kwargs))
        return future

    async def call(self, fn: Callable[..., T], /, *args: Any, **kwargs: Any) -> T:
        """``fn(*args, **kwargs)`` on this lane, in a copy of the caller's context whose changes
        come back to the caller, as ``sync_to_async`` carries them."""
        loop = asyncio.get_running_loop()
        waiter: asyncio.Future[T] = loop.create_future()
        context = contextvars.copy_context()
        self._work.put(functools.partial(_into_loop, loop, waiter, context, fn, args, kwargs))
        try:
            return await waiter
        finally:
            carried(context)

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        self._work.put(None)
        if wait:
            self._thread.join()


def _into_future(future: Future[T], fn: Callable[..., T], args: Any, kwargs: Any) -> None:
    if not future.set_running_or_notify_cancel():
        return
    try:
        result = _kept(fn, *args, **kwargs)
    except BaseException as exc:
        future.set_exception(exc)
    else:
        future.set_result(result)


def _into_loop(
    loop: asyncio.AbstractEventLoop,
    waiter: asyncio.Future[T],
    context: contextvars.Context,
    fn: Callable[..., T],
    args: Any,
    kwargs: Any,
) -> None:
    try:
        result = context.run(_moved, context, fn, args, kwargs)
    except BaseException as exc:
        loop.call_soon_threadsafe(_settle, waiter, None, exc)
    else:
        loop.call_soon_threadsafe(_settle, waiter, result, None)


def _moved(context: contextvars.Context, fn: Callable[..., T], args: Any, kwargs: Any) -> T:
    carried(context)  # the caller's Local values, re-homed to this thread
    return _kept(fn, *args, **kwargs)


def _settle(waiter: asyncio.Future[T], result: T, exc: BaseException | None) -> None:
    if waiter.cancelled():  # the caller went away; the work was done all the same
        return
    if exc is None:
        waiter.set_result(result)
    else:
        waiter.set_exception(exc)


async def call(fn: Callable[..., T], /, *args: Any, **kwargs: Any) -> T:
    """``fn(*args, **kwargs)`` on the current request's lane: our one way into
    synchronous code (outside a served request, ``sync_to_async``'s own)."""
    lane = _current.get()
    if lane is None:
        return await sync_to_async(fn)(*args, **kwargs)
    return await lane.call(fn, *args, **kwargs)


class Lanes:
    """A named set of lanes; ``bound()`` binds the current request to one of them."""

    def __init__(self, name: str, size: int) -> None:
        self.name = name
        self.lanes = [Lane(f"{name}-lane-{i}") for i in range(max(1, size))]

    @contextlib.asynccontextmanager
    async def bound(self) -> AsyncIterator[Lane]:
        lane = min(self.lanes, key=lambda candidate: candidate.bound)
        lane.bound += 1
        token = _current.set(lane)
        try:
            async with ThreadSensitiveContext(executor=lane):
                yield lane
        finally:
            _current.reset(token)
            lane.bound -= 1

    def close(self) -> None:
        """Close each lane's connections (from any thread but a lane's own)."""
        for lane in self.lanes:
            lane.submit(connections.close_all).result()


_sets: dict[str, Lanes] = {}
_lock = threading.Lock()


def lanes(name: str) -> Lanes:
    """The process's lanes of set ``name`` (``MACHINE`` or ``PAGE``), made on first use."""
    with _lock:
        found = _sets.get(name)
        if found is None:
            size = int(os.environ.get(_SIZES[name]) or _DEFAULT_SIZES[name])
            found = _sets[name] = Lanes(name, size)
        return found


def close_all() -> None:
    """Close the connections of every lane made so far."""
    with _lock:
        made = list(_sets.values())
    for each in made:
        each.close()
