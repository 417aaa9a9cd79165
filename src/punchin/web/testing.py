"""A live ASGI server for tests: the real uvicorn stack in a thread, on loopback.

pytest-django's ``live_server`` is a WSGI server; our parties are ASGI applications
with async views, so tests that need real HTTP run them through this instead. The
server shares the test process's database, so tests using it need
``django_db(transaction=True)``.
"""

from __future__ import annotations

import threading
import time
from typing import Any

import uvicorn

from punchin.web import lanes


class LiveASGIServer:
    """Serve ``app`` on 127.0.0.1 at a free port until ``stop``.

    ``options`` go to ``uvicorn.Config`` as given, so a test can run uvicorn the way a
    deployment does (e.g. ``forwarded_allow_ips`` behind a proxy).
    """

    def __init__(self, app: Any, host: str = "127.0.0.1", **options: Any) -> None:
        config = uvicorn.Config(
            app, host=host, port=0, lifespan="off", log_level="warning", **options
        )
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(target=self._server.run, daemon=True)
        self.host = host
        self.port = 0

    def start(self, timeout: float = 10.0) -> LiveASGIServer:
        self._thread.start()
        deadline = time.monotonic() + timeout
        while not self._server.started:
            if time.monotonic() > deadline or not self._thread.is_alive():
                raise RuntimeError("test ASGI server did not start")
            time.sleep(0.01)
        self.port = self._server.servers[0].sockets[0].getsockname()[1]
        return self

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def stop(self) -> None:
        self._server.should_exit = True
        self._thread.join(timeout=10)
        lanes.close_all()  # the test database may be dropped next: no connection left open

    def __enter__(self) -> LiveASGIServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
