"""The staff panel served on a free loopback port, and a logged-in Chromium page on it.

`running_panel(app)` serves an app made by `create_app` (so over the test's
database and clock) inside the test's event loop; `logged_in_page(url, email,
password)` drives Debian's Chromium headless through Playwright (DESIGN.md §11)
and logs in. Fixtures `panel_url` and `staff_page` in tests/admin/conftest.py use
them; other browser tests can too.
"""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import uvicorn
from fastapi import FastAPI
from playwright.async_api import Page, async_playwright

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_FLAGS = (
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-dev-shm-usage",
)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@asynccontextmanager
async def running_panel(app: FastAPI) -> AsyncIterator[str]:
    """Serve `app` until the block ends; yields its base URL."""
    port = free_port()
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="off")
    server = uvicorn.Server(config)
    # The test's loop owns the signals; the server must not take them over.
    server.install_signal_handlers = lambda: None  # type: ignore[method-assign]
    serving = asyncio.create_task(server.serve())
    while not server.started:
        if serving.done():
            serving.result()
        await asyncio.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        await serving


@asynccontextmanager
async def logged_in_page(base_url: str, email: str, password: str) -> AsyncIterator[Page]:
    """A phone-sized Chromium page, logged in to the panel at `base_url` as `email`."""
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=list(CHROMIUM_FLAGS)
        )
        try:
            context = await browser.new_context(viewport={"width": 390, "height": 844})
            page = await context.new_page()
            await page.goto(f"{base_url}/login")
            await page.get_by_label("Adresse e-mail").fill(email)
            await page.get_by_label("Mot de passe").fill(password)
            await page.get_by_role("button", name="Se connecter").click()
            await page.wait_for_url(f"{base_url}/")
            yield page
        finally:
            await browser.close()
