"""payloadIDs and timestamps for the documents we send.

The cXML User's Guide recommends a payloadID of the form
``datetime.process id.random number@hostname`` (docs/protocol.md S1); it must be unique
per document and must not change when the same document is retried, so callers create
one per document and store it with the document.
"""

from __future__ import annotations

import os
import re
import secrets
import socket
import time
from datetime import UTC, datetime

# Host names are written into an attribute and read by partners' log tools: keep them to
# the characters of DNS names.
_NOT_HOST = re.compile(r"[^A-Za-z0-9.-]+")
_MAX_HOST = 200
_RANDOM_BITS = 64


def _sanitised_host(host: str) -> str:
    cleaned = _NOT_HOST.sub("-", host).strip(".-")[:_MAX_HOST].rstrip(".-")
    return cleaned or "localhost"


def new_payload_id(host: str | None = None) -> str:
    """A fresh ``<epoch seconds>.<process id>.<random>@<host>`` payloadID.

    64 random bits make a collision negligible even among ids of the same second and
    process (birthday bound: about 1 in 37 million for a million such ids). ``host``
    defaults to this machine's name; either way it is reduced to ``[A-Za-z0-9.-]`` and
    200 characters, so the id stays under 255 characters.
    """
    name = _sanitised_host(socket.gethostname() if host is None else host)
    return f"{int(time.time())}.{os.getpid()}.{secrets.randbits(_RANDOM_BITS)}@{name}"


def now() -> datetime:
    """The current time in UTC, whole seconds: how our timestamps go on the wire."""
    return datetime.now(UTC).replace(microsecond=0)
