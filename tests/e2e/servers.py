"""Loopback ports and process control for tests that run the parties as real servers."""

from __future__ import annotations

import signal
import socket
import subprocess
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from punchin import demo


def free_ports(count: int) -> list[int]:
    """``count`` distinct free ports on 127.0.0.1.

    All sockets stay bound until every port is chosen, so the kernel cannot hand the
    same port out twice; the servers bind them a moment later.
    """
    with ExitStack() as stack:
        sockets = [stack.enter_context(socket.socket()) for _ in range(count)]
        for sock in sockets:
            sock.bind(("127.0.0.1", 0))
        return [sock.getsockname()[1] for sock in sockets]


def is_listening(port: int, host: str = "127.0.0.1") -> bool:
    try:
        with socket.create_connection((host, port), timeout=0.5):
            return True
    except OSError:
        return False


@dataclass
class Cluster:
    """Both parties as ``punchin demo`` runs them (a web process and a delivery worker
    each, and the OpenID provider procurement's single sign-on user signs in at), every
    process stoppable, killable and restartable on the same port and data directory, as
    an operator (or a crash) would."""

    storefront: demo.Party
    procurement: demo.Party
    idp: demo.Party
    data_dir: Path
    output: IO[bytes]
    web: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)
    workers: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)

    def party(self, name: str) -> demo.Party:
        return self.storefront if name == "storefront" else self.procurement

    def start_web(self, name: str) -> None:
        party = self.party(name)
        self.web[name] = demo.serve(party, self.data_dir, self.output)
        demo.wait_until_listening(party, self.web[name], 30)

    def stop_web(self, name: str) -> None:
        demo.stop([self.web.pop(name)])

    def start_worker(self, name: str) -> None:
        self.workers[name] = demo.work(self.party(name), self.data_dir, self.output)

    def stop_worker(self, name: str) -> None:
        """SIGINT: the worker finishes the attempt at hand, then exits."""
        demo.stop([self.workers.pop(name)])

    def kill_worker(self, name: str) -> None:
        worker = self.workers.pop(name)
        worker.send_signal(signal.SIGKILL)
        worker.wait(10)

    def manage(self, name: str, *args: str) -> str:
        return demo.manage(self.party(name), self.data_dir, *args)

    def stop(self) -> None:
        demo.stop([*self.workers.values(), *self.web.values()])
        self.workers.clear()
        self.web.clear()

    @classmethod
    @contextmanager
    def running(cls, data_dir: Path) -> Iterator[Cluster]:
        """Prepare both parties in ``data_dir`` and run them until the block ends."""
        storefront_port, procurement_port, idp_port = free_ports(3)
        storefront = demo.Party("storefront", "Storefront", storefront_port)
        procurement = demo.Party("procurement", "Procurement", procurement_port)
        idp = demo.Party("idp", "OpenID provider", idp_port)
        demo.prepare(storefront, procurement, data_dir, sso_issuer=idp.url)
        with (data_dir / "servers.log").open("wb") as output:
            cluster = cls(storefront, procurement, idp, data_dir, output)
            try:
                cluster.web["idp"] = demo.identity_provider(idp, procurement, output)
                # Both servers start at once; the workers once the servers listen.
                parties = {"storefront": storefront, "procurement": procurement}
                for name, party in parties.items():
                    cluster.web[name] = demo.serve(party, data_dir, output)
                for name, party in {**parties, "idp": idp}.items():
                    demo.wait_until_listening(party, cluster.web[name], 30)
                for name in parties:
                    cluster.start_worker(name)
                yield cluster
            finally:
                cluster.stop()
