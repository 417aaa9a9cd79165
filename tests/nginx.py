"""Debian's nginx with one of deploy/nginx/*.conf rendered, as a child process, for the
tests that prove what deploy/README.md claims (TLS versions, timeouts, body limits).

Also the TLS handshake probe those tests share.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import re
import shutil
import socket
import ssl
import subprocess
import time
import warnings
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit

NGINX = Path(shutil.which("nginx") or "/usr/sbin/nginx")
DEPLOY = Path(__file__).resolve().parents[1] / "deploy/nginx"

OLD_TLS = {"TLSv1": ssl.TLSVersion.TLSv1, "TLSv1.1": ssl.TLSVersion.TLSv1_1}
CURRENT_TLS = {"TLSv1.2": ssl.TLSVersion.TLSv1_2, "TLSv1.3": ssl.TLSVersion.TLSv1_3}
HEADER_TIMEOUT = 10.0  # client_header_timeout in every deploy/nginx/*.conf server


def render(template: str, values: Mapping[str, str]) -> str:
    """Fill the template's ``${NAME}`` placeholders, as envsubst does (KeyError if one
    has no value, so a placeholder added to the template cannot go unnoticed)."""
    return re.sub(r"\$\{([A-Z_]+)\}", lambda m: values[m.group(1)], template)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def running_nginx(
    directory: Path, name: str, values: Mapping[str, str], ports: list[int]
) -> Iterator[None]:
    """nginx serving ``deploy/nginx/<name>`` rendered with ``values`` inside the http
    block Debian's nginx.conf would give it, until every one of ``ports`` accepts."""
    (directory / name).write_text(render((DEPLOY / name).read_text(), values))
    # Started by root, nginx would run its workers as nobody, who cannot use the
    # temporary directories here.
    user = "user root;" if os.geteuid() == 0 else ""
    temp = " ".join(
        f"{kind}_temp_path {directory / kind};"
        for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    (directory / "nginx.conf").write_text(
        f"{user}\nworker_processes 1;\nerror_log {directory / 'error.log'} info;\n"
        f"events {{ worker_connections 512; }}\n"
        f"http {{ access_log off; {temp} include {directory / name}; }}\n"
    )
    log = directory / "nginx-stderr.log"
    process = subprocess.Popen(
        [
            str(NGINX), "-e", str(log), "-p", str(directory), "-c", str(directory / "nginx.conf"),
            "-g", f"daemon off; pid {directory / 'nginx.pid'};",
        ]
    )  # fmt: skip
    try:
        for port in ports:
            _wait_for(port, process, log)
        yield
    finally:
        process.terminate()
        process.wait(10)


def _wait_for(port: int, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 10
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                process.wait()
                raise RuntimeError(f"nginx did not start: {log.read_text()}") from None
            time.sleep(0.05)


def handshake(url: str, ca_file: Path, version: ssl.TLSVersion) -> str:
    """Connect with exactly ``version``; the negotiated version, or SSLError."""
    context = ssl.create_default_context(cafile=str(ca_file))
    context.set_ciphers("DEFAULT:@SECLEVEL=0")  # let our side offer old versions at all
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        context.minimum_version = context.maximum_version = version
    parts = urlsplit(url)
    assert parts.hostname is not None
    assert parts.port is not None
    with (
        socket.create_connection((parts.hostname, parts.port), timeout=10) as raw,
        context.wrap_socket(raw, server_hostname=parts.hostname) as tls,
    ):
        return str(tls.version())


async def trickle(port: int, context: ssl.SSLContext) -> float:
    """Slowloris: send a request header a byte a second until the server ends it; the
    seconds it lasted, from before the connect (nginx's timer runs from the accept,
    the TLS handshake included)."""
    started = time.monotonic()
    reader, writer = await asyncio.open_connection("127.0.0.1", port, ssl=context)
    writer.write(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ")
    while True:
        try:
            writer.write(b"a")
            await writer.drain()
            await asyncio.wait_for(reader.read(1024), 1.0)
        except TimeoutError:
            continue  # still open: one more byte
        except (ConnectionError, ssl.SSLError):
            pass
        break  # end of stream or nginx's answer: the request was ended
    await closed(writer)
    return time.monotonic() - started


async def closed(writer: asyncio.StreamWriter) -> None:
    """Close our end and wait for the transport to go, whatever state the server left
    the connection in (an unclosed transport would be reported at teardown)."""
    writer.close()
    with contextlib.suppress(ConnectionError, ssl.SSLError, TimeoutError):
        await asyncio.wait_for(writer.wait_closed(), 5)
    if not writer.transport.is_closing():
        writer.transport.abort()
