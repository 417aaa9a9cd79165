"""The lanes' own hop (punchin.web.lanes.call): on the request's lane, in order with
Django's own ``sync_to_async`` calls, carrying the context both ways as asgiref does,
its failures and cancellations handled."""

from __future__ import annotations

import asyncio
import contextvars
import threading
from collections.abc import Callable, Iterator

import pytest
from asgiref.local import Local
from asgiref.sync import sync_to_async
from django.utils import translation

from punchin.web import lanes

request_id: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="")
Make = Callable[[int], lanes.Lanes]
local = Local()  # like Django's translation and URL prefix state: not thread-critical


def _thread() -> str:
    return threading.current_thread().name


@pytest.fixture
def made() -> Iterator[Make]:
    """Lanes of the test's own, their threads ended after it."""
    sets: list[lanes.Lanes] = []

    def make(size: int) -> lanes.Lanes:
        sets.append(lanes.Lanes("test", size))
        return sets[-1]

    yield make
    for each in sets:
        for lane in each.lanes:
            lane.shutdown()


def test_a_call_runs_on_the_bound_lane_in_order_with_djangos_own_calls(made: Make) -> None:
    seen: list[tuple[str, str]] = []

    def note(who: str) -> str:
        seen.append((who, _thread()))
        return who

    async def served() -> None:
        async with made(2).bound() as lane:
            assert await lanes.call(note, "ours") == "ours"
            assert await sync_to_async(note)("django's") == "django's"
            assert await lanes.call(note, who="by keyword") == "by keyword"
            assert {thread for _, thread in seen} == {lane._thread.name}

    asyncio.run(served())
    assert [who for who, _ in seen] == ["ours", "django's", "by keyword"]
    assert seen[0][1].startswith("test-lane-")


def test_the_context_travels_into_the_call_and_its_changes_come_back(made: Make) -> None:
    def inside() -> tuple[str, str]:
        found = (request_id.get(), getattr(local, "value", "unset"))
        request_id.set("set in the call")
        local.value = "local set in the call"
        translation.activate("de")
        return found

    async def served() -> None:
        request_id.set("set on the loop")
        local.value = "local set on the loop"
        async with made(1).bound():
            assert await lanes.call(inside) == ("set on the loop", "local set on the loop")
            assert request_id.get() == "set in the call"
            assert local.value == "local set in the call"
            assert translation.get_language() == "de"
            # and into the next call, on the lane's thread again
            assert await lanes.call(translation.get_language) == "de"
            translation.deactivate()

    asyncio.run(served())


def test_a_failure_in_the_call_reaches_the_caller_and_the_lane_goes_on(made: Make) -> None:
    def fails() -> None:
        raise LookupError("no such submission")

    async def served() -> None:
        async with made(1).bound():
            with pytest.raises(LookupError, match="no such submission"):
                await lanes.call(fails)
            assert await lanes.call(lambda: "still serving") == "still serving"

    asyncio.run(served())


def test_a_cancelled_caller_leaves_the_call_to_finish_and_the_lane_free(made: Make) -> None:
    started, release, finished = threading.Event(), threading.Event(), threading.Event()

    def slow() -> None:
        started.set()
        release.wait(10)
        finished.set()

    async def served() -> None:
        async with made(1).bound():
            task = asyncio.ensure_future(lanes.call(slow))
            await asyncio.get_running_loop().run_in_executor(None, started.wait, 10)
            task.cancel()
            with pytest.raises(asyncio.CancelledError):
                await task
            release.set()
            assert await lanes.call(finished.is_set) is True  # after slow, on one thread

    asyncio.run(served())


def test_outside_a_served_request_a_call_is_asgirefs_own_hop(made: Make) -> None:
    lane_threads = {lane._thread.name for lane in made(2).lanes}

    async def unbound() -> str:
        return await lanes.call(_thread)

    assert asyncio.run(unbound()) not in lane_threads
