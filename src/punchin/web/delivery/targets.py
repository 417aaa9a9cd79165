"""How a delivery reaches its partner: the ``Target`` of one attempt, and the
``TargetResolver`` through which the party that runs the worker supplies it.

Each party registers its resolver in the ``AppConfig.ready`` of the app that owns the
partner records (``register``); the delivery layer never imports a party.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from punchin.transport.auth import Auth
from punchin.transport.client import DEFAULT_USER_AGENT
from punchin.transport.policy import UrlPolicy


@dataclass(frozen=True, slots=True)
class Target:
    """How to reach a partner, looked up at send time so no secret waits in the queue.

    ``auth`` and ``policy`` as ``punchin.transport`` takes them; ``user_agent`` is the
    P20 ``User-Agent``; ``ca_file`` a CA bundle instead of the system's.
    """

    auth: Auth | None = None
    policy: UrlPolicy | None = None
    user_agent: str = DEFAULT_USER_AGENT
    ca_file: str | None = None


class TargetResolver(Protocol):
    """What the delivery layer asks the party it sends for.

    One implementation per party, registered with ``register``. The worker calls it
    before every attempt, outside any transaction; nothing it returns is stored.
    """

    def target(self, partner_key: str) -> Target:
        """How to reach the partner ``partner_key`` for the attempt about to start.

        ``partner_key`` is the key the party gave ``outbox.enqueue``, as stored on the
        delivery. Read the partner's configuration now: a changed password or URL
        applies to the next attempt, and the queue never holds a credential. Return a
        ``Target`` whose ``policy`` admits only the partner's configured hosts, so a
        delivery row whose URL was tampered with is refused before connecting.

        Raise ``exceptions.UnknownPartner`` when no partner has this key or its
        configuration cannot be used: the delivery then needs attention and is not
        retried. Any other exception counts as our own failure: it is logged and the
        attempt is retried like a cXML 500.

        Called by: every delivery attempt (``sending.send``), in the worker.
        """
        ...


_registered: TargetResolver | None = None


def register(resolver: TargetResolver) -> None:
    """Make ``resolver`` the one every attempt asks. Call it from ``AppConfig.ready``;
    a process runs one party, so a second resolver of another kind is a mistake."""
    global _registered
    if _registered is not None and type(_registered) is not type(resolver):
        raise RuntimeError(f"a target resolver is already registered: {_registered!r}")
    _registered = resolver


def registered() -> TargetResolver | None:
    return _registered


def resolve(partner_key: str) -> Target:
    """The registered resolver's ``Target`` for ``partner_key``."""
    if _registered is None:
        raise LookupError("no TargetResolver is registered (punchin.web.delivery.targets)")
    return _registered.target(partner_key)
