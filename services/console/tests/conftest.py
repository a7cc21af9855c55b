"""The console served on the loopback over the services running in this process, and Debian's chromium."""

import os
from collections.abc import AsyncIterator
from importlib import import_module
from pathlib import Path
from typing import Any

import httpx
import pytest

from console.config import ConsoleSettings
from console.main import create_console
from devkit.testing.http import serving

ROOT = Path(__file__).resolve().parents[3]
SHOTS = ROOT / "build" / "console"
CHROMIUM = "/usr/bin/chromium"


@pytest.fixture(scope="session")
async def console_url(services: Any) -> AsyncIterator[str]:
    transports: dict[str, httpx.AsyncBaseTransport] = {}
    for name in ("intake", "screening", "assistance"):
        await services.client(name)  # started once per session, with its lifespan
        transports[name] = httpx.ASGITransport(app=import_module(f"{name}.main").app)
    app = create_console(ConsoleSettings(environment="test"), transports)
    async with app.router.lifespan_context(app), serving(app) as url:
        yield url


@pytest.fixture(scope="session")
async def browser() -> AsyncIterator[Any]:
    from playwright.async_api import async_playwright

    if not os.path.exists(CHROMIUM):  # noqa: ASYNC240 (once per session)
        pytest.fail(f"{CHROMIUM} is missing: apt-get install chromium (make test installs it)")
    async with async_playwright() as p:
        launched = await p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        try:
            yield launched
        finally:
            await launched.close()
