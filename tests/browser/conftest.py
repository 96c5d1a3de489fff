"""A real exhibit server on 127.0.0.1 and Debian's Chromium driven by Playwright.

Chromium is never downloaded here: the tests use /usr/bin/chromium and fail, loudly, when
it is missing (CI installs it).
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import pytest
import uvicorn

from gosplan.web.app import create_app

CHROMIUM = Path("/usr/bin/chromium")
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="session")
def server() -> Iterator[str]:
    port = _free_port()
    config = uvicorn.Config(create_app(), host="127.0.0.1", port=port, log_level="warning")
    srv = uvicorn.Server(config)
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not srv.started:
        if time.monotonic() > deadline or not thread.is_alive():
            pytest.fail("the exhibit server did not start")
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    srv.should_exit = True
    thread.join(timeout=10)


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    if not CHROMIUM.exists():
        pytest.fail(
            f"{CHROMIUM} is missing: the browser tests need Debian's Chromium "
            "(apt-get install chromium); they never download a browser."
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield b
        b.close()


class Guard:
    """Every request a page makes; anything not to 127.0.0.1 is aborted and remembered."""

    def __init__(self) -> None:
        self.requests: list[str] = []
        self.blocked: list[str] = []

    def route(self, route: Any) -> None:
        url = route.request.url
        host = urlparse(url).hostname
        if host == "127.0.0.1" or url.startswith(("data:", "about:")):
            route.continue_()
        else:
            self.blocked.append(url)
            route.abort()

    def check(self) -> None:
        assert self.blocked == [], f"requests left 127.0.0.1: {self.blocked}"
        outside = [u for u in self.requests
                   if urlparse(u).hostname not in ("127.0.0.1", None)
                   and not u.startswith(("data:", "about:"))]
        assert outside == [], f"requests left 127.0.0.1: {outside}"


def open_page(browser: Any, width: int, height: int, **options: Any) -> Any:
    """A page of a new browser context of that size, its requests guarded (``pg.guard``)."""
    context = browser.new_context(viewport={"width": width, "height": height}, **options)
    guard = Guard()
    pg = context.new_page()
    pg.route("**/*", guard.route)
    pg.on("request", lambda request: guard.requests.append(request.url))
    pg.guard = guard
    return pg


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    pg = open_page(browser, 1280, 900)
    yield pg
    pg.context.close()
    pg.guard.check()


#: The sizes a visitor's screen may have: a museum's desktop and two phones.
SIZES = {"desktop": (1366, 900), "phone": (390, 844), "narrow": (360, 740)}


@pytest.fixture(params=list(SIZES))
def sized(request: Any, browser: Any) -> Iterator[Any]:
    """A guarded page at each of :data:`SIZES` (``pg.size`` names it)."""
    pg = open_page(browser, *SIZES[request.param])
    pg.size = request.param
    yield pg
    pg.context.close()
    pg.guard.check()
