"""Database connections opened off the lanes: watched in every Django test.

A party's requests do their database work on its lanes (``punchin.web.lanes``), a
fixed set of threads whose connections are kept and closed at server stop. Any other
thread that opens a connection keeps it in its thread-locals (``CONN_MAX_AGE`` is
None) and nobody closes it: in a server, a connection per such thread for good; in
the tests, the thread ends, its connection is left to the garbage collector, which on
PostgreSQL warns of it (psycopg's ``ResourceWarning``) during some later test, and a
connection still open when the suite ends keeps the test database from being dropped.

``Watch`` notes each connection opened by a thread that is neither the test's own
nor a lane; by the end of the test each of them must be closed. The
``no_connection_escapes`` fixture (autouse, imported by the parties' conftests) fails
the test that let one escape, naming the thread, and closes it, so the next tests are
not blamed.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.db.backends.signals import connection_created

from punchin.web import lanes

LANE_PREFIXES = tuple(f"{name}-lane-" for name in (lanes.MACHINE, lanes.PAGE))


def on_a_lane(thread: threading.Thread) -> bool:
    return thread.name.startswith(LANE_PREFIXES)


@dataclass
class Watch:
    """Connections opened off the lanes and off ``home`` (the test's thread)."""

    home: threading.Thread = field(default_factory=threading.current_thread)
    opened: list[tuple[str, Any]] = field(default_factory=list)  # thread name, wrapper

    def noted(self, sender: Any, connection: Any, **kwargs: Any) -> None:
        thread = threading.current_thread()
        if thread is not self.home and not on_a_lane(thread):
            self.opened.append((thread.name, connection))

    def __enter__(self) -> Watch:
        connection_created.connect(self.noted, dispatch_uid=f"watch-{id(self)}")
        return self

    def __exit__(self, *exc: object) -> None:
        connection_created.disconnect(dispatch_uid=f"watch-{id(self)}")

    @property
    def threads(self) -> list[str]:
        """The threads that opened a connection off the lanes (open or closed)."""
        return [name for name, _ in self.opened]

    def escaped(self) -> list[str]:
        """The threads whose connection is still open; each is closed here."""
        names = []
        for name, wrapper in self.opened:
            raw = wrapper.connection
            if raw is not None:
                names.append(name)
                raw.close()  # the raw connection: its wrapper belongs to another thread
                wrapper.connection = None
        return names


@pytest.fixture(autouse=True)
def no_connection_escapes() -> Iterator[Watch]:
    """Fail the test if a thread other than its own and the lanes left a connection
    open (see the module's doc)."""
    with Watch() as watch:
        yield watch
    if escaped := watch.escaped():
        pytest.fail(
            f"database connections left open by threads outside the lanes: {escaped}; "
            "run their database work on a lane, or close the thread's connections "
            "(django.db.connections.close_all) before it ends"
        )
