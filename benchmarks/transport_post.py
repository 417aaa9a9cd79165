"""What ``punchin.transport`` costs per POST, against bare aiohttp on the same server.

One aiohttp.web server on loopback answers a small cXML document. This prints the
median microseconds per sequential POST (and concurrency-8 throughput) of

* a bare ``aiohttp.ClientSession`` with the P20 headers: the floor;
* one shared ``CxmlClient`` (keep-alive), without a policy;
* the same with a ``UrlPolicy`` on an IP literal, and on a name (a DNS lookup per
  request: the check resolves, the connection uses what was checked);
* a new ``CxmlClient`` per request (a new connection each time);

and each one's ratio to the floor. The machine's speed drifts: compare the ratios of
one run (docs/performance.md). Rounds are interleaved so drift hits every variant alike.

Run: ``.venv/bin/python benchmarks/transport_post.py [--requests N] [--rounds R]``
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import time
from collections.abc import Awaitable, Callable

import aiohttp
from aiohttp import web

from punchin.transport import CxmlClient, UrlPolicy

BODY = b'<?xml version="1.0" encoding="UTF-8"?><cXML payloadID="1@bench"/>'
HEADERS = {
    "Content-Type": "text/xml; charset=UTF-8",
    "Accept": "text/xml",
    "User-Agent": "bench PunchIn 1.0",
    "Connection": "Keep-Alive",
}
POLICY = UrlPolicy(frozenset({"127.0.0.1", "localhost"}), allow_loopback_http=True)

Post = Callable[[], Awaitable[object]]


async def answer(request: web.Request) -> web.Response:
    await request.read()
    return web.Response(body=BODY, content_type="text/xml")


async def timed(post: Post, requests: int, concurrency: int) -> float:
    """Seconds for ``requests`` POSTs, ``concurrency`` at a time."""
    per_worker = requests // concurrency

    async def worker() -> None:
        for _ in range(per_worker):
            await post()

    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return time.perf_counter() - started


async def main(requests: int, rounds: int) -> None:
    app = web.Application()
    app.router.add_post("/cxml", answer)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    url = f"http://127.0.0.1:{port}/cxml"
    named = f"http://localhost:{port}/cxml"

    async with aiohttp.ClientSession() as session, CxmlClient() as client:

        async def bare() -> None:
            async with session.post(url, data=BODY, headers=HEADERS) as response:
                await response.read()

        async def fresh_client() -> None:
            async with CxmlClient() as own:
                await own.post(url, BODY)

        variants: dict[str, Post] = {
            "bare aiohttp (floor)": bare,
            "CxmlClient, shared": lambda: client.post(url, BODY),
            "  + UrlPolicy, IP literal": lambda: client.post(url, BODY, policy=POLICY),
            "  + UrlPolicy, name (DNS)": lambda: client.post(named, BODY, policy=POLICY),
            "CxmlClient per request": fresh_client,
        }
        for post in variants.values():  # warm up pools and caches
            await post()
        sequential: dict[str, list[float]] = {name: [] for name in variants}
        parallel: dict[str, list[float]] = {name: [] for name in variants}
        for _ in range(rounds):
            for name, post in variants.items():
                sequential[name].append(await timed(post, requests, 1) / requests)
                parallel[name].append(requests / await timed(post, requests, 8))

    await runner.cleanup()
    floor = statistics.median(sequential["bare aiohttp (floor)"])
    print(f"{requests} POSTs x {rounds} rounds, medians")
    print(f"{'variant':28} {'us/POST c=1':>12} {'x floor':>8} {'POST/s c=8':>11}")
    for name in variants:
        each = statistics.median(sequential[name])
        rate = statistics.median(parallel[name])
        print(f"{name:28} {each * 1e6:12.0f} {each / floor:8.2f} {rate:11.0f}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=400)
    parser.add_argument("--rounds", type=int, default=5)
    arguments = parser.parse_args()
    asyncio.run(main(arguments.requests, arguments.rounds))
