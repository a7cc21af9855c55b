"""The console served on the loopback over the services running in this process, and Debian's chromium."""

import asyncio
import os
import socket
from collections.abc import AsyncIterator
from importlib import import_module
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn

from console.config import ConsoleSettings
from console.main import create_console

ROOT = Path(__file__).resolve().parents[3]
SHOTS = ROOT / "build" / "console"
CHROMIUM = "/usr/bin/chromium"
PORTS = range(18500, 18600)  # the console's tests serve on these only


def free_port() -> int:
    for port in PORTS:
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError("no free port in 18500-18599")


@pytest.fixture(scope="session")
async def console_url(services: Any) -> AsyncIterator[str]:
    transports: dict[str, httpx.AsyncBaseTransport] = {}
    for name in ("intake", "screening", "assistance"):
        await services.client(name)  # started once per session, with its lifespan
        transports[name] = httpx.ASGITransport(app=import_module(f"{name}.main").app)
    app = create_console(ConsoleSettings(environment="test"), transports)
    async with app.router.lifespan_context(app):
        port = free_port()
        server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="off"))
        task = asyncio.create_task(server.serve())
        while not server.started:  # noqa: ASYNC110 (uvicorn's server offers a flag, not an event)
            await asyncio.sleep(0.02)
        try:
            yield f"http://127.0.0.1:{port}"
        finally:
            server.should_exit = True
            await task


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
