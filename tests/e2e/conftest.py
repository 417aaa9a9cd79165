"""End-to-end fixtures: both parties as real servers, driven by a real Chromium.

The parties are prepared and served exactly as ``punchin demo`` does it (the same
``punchin.demo`` functions: migrate, seed, uvicorn with uvloop and httptools, a
delivery worker per party), each in its own processes with its own SQLite database,
so the browser walks the journey a user of the demo walks. No Django settings are
loaded in the test process itself: these tests run in the framework-free pass.

Playwright's sync API keeps its event loop registered as the thread's running loop
while it is open, which would break every later test that calls ``asyncio.run``; so
the browser (and the servers) live for this package only, not the whole session.

Screenshots of the key pages are written to ``docs/screenshots`` only when
``PUNCHIN_SCREENSHOTS=1``, so an ordinary run never rewrites tracked files.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import (
    Browser,
    BrowserContext,
    ConsoleMessage,
    Page,
    Playwright,
    sync_playwright,
)

from punchin import demo
from tests.e2e.servers import Cluster

CHROMIUM = Path(os.environ.get("PUNCHIN_CHROMIUM", "/usr/bin/chromium"))
# Without the background-networking switches Chromium keeps calling Google's services,
# which on a closed network only produces noise and delays.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}
SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


@dataclass(frozen=True, slots=True)
class Sites:
    """Both running parties and where their logs go."""

    storefront: demo.Party
    procurement: demo.Party
    idp: demo.Party
    log: Path


@pytest.fixture(scope="package")
def sites(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Sites]:
    with Cluster.running(tmp_path_factory.mktemp("demo")) as cluster:
        yield Sites(
            cluster.storefront, cluster.procurement, cluster.idp, cluster.data_dir / "servers.log"
        )


@pytest.fixture(scope="package")
def playwright() -> Iterator[Playwright]:
    with sync_playwright() as driver:
        yield driver


@pytest.fixture(scope="package")
def browser(playwright: Playwright) -> Iterator[Browser]:
    if not CHROMIUM.exists():
        pytest.fail(
            f"no Chromium at {CHROMIUM} (apt-get install chromium, or set PUNCHIN_CHROMIUM)"
        )
    browser = playwright.chromium.launch(
        executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
    )
    yield browser
    browser.close()


# What Chromium refused under the parties' Content-Security-Policy (docs/security.md
# row 23) in any page of any profile opened with ``open_context``, during this test.
POLICY_REFUSALS: list[str] = []


def _note_refusal(message: ConsoleMessage) -> None:
    # Chromium reports each refusal on the console: "Refused to execute inline script
    # because it violates the following Content Security Policy directive: ...".
    if "Content Security Policy" in message.text:
        POLICY_REFUSALS.append(f"{message.location.get('url', '?')}: {message.text}")


def open_context(browser: Browser, **options: Any) -> BrowserContext:
    """A browser profile whose pages report what the Content-Security-Policy refused."""
    context = browser.new_context(**options)
    context.set_default_timeout(15_000)
    context.on("console", _note_refusal)
    return context


@pytest.fixture(autouse=True)
def no_policy_refusals() -> Iterator[list[str]]:
    """Every page every e2e test opens works under the policy: no script, style or
    form target of ours is refused."""
    POLICY_REFUSALS.clear()
    yield POLICY_REFUSALS
    assert POLICY_REFUSALS == [], "\n".join(POLICY_REFUSALS)


@pytest.fixture
def context(
    browser: Browser, sites: Sites, request: pytest.FixtureRequest
) -> Iterator[BrowserContext]:
    """A fresh browser profile per test (no cookies carried over), desktop-sized."""
    context = open_context(browser, viewport=DESKTOP)
    yield context
    context.close()
    failed = getattr(request.node, "rep_call", None)
    if failed is not None and failed.failed:
        print(f"--- server log ({sites.log}) ---\n{sites.log.read_text(errors='replace')[-8000:]}")


@pytest.fixture
def page(context: BrowserContext) -> Page:
    return context.new_page()


@pytest.fixture
def phone_page(browser: Browser, sites: Sites) -> Iterator[Page]:
    """A phone-sized touch screen (P1: "on desktop or mobile")."""
    context = open_context(browser, viewport=PHONE, is_mobile=True, has_touch=True)
    yield context.new_page()
    context.close()


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[None]:
    report = yield
    if report.when == "call":
        item.rep_call = report  # type: ignore[attr-defined]
    return report


def screenshot(page: Page, name: str, *, full_page: bool = False) -> None:
    """Save the page as ``docs/screenshots/<name>.png`` when PUNCHIN_SCREENSHOTS=1."""
    if os.environ.get("PUNCHIN_SCREENSHOTS") == "1":
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=SCREENSHOTS / f"{name}.png", full_page=full_page)
