"""Swagger UI and ReDoc work on an intranet without internet: the pages load their scripts from the
service itself, never from a CDN. Needs no database (the app is not started)."""

import asyncio
import re
from importlib import import_module

import httpx
import pytest


@pytest.mark.parametrize("page", ["/docs", "/redoc"])
def test_the_api_documentation_loads_nothing_from_outside(page: str) -> None:
    asyncio.run(_loads_nothing_from_outside(page))


async def _loads_nothing_from_outside(page: str) -> None:
    transport = httpx.ASGITransport(app=import_module("intake.main").app)  # no lifespan: nothing starts
    client = httpx.AsyncClient(transport=transport, base_url="http://intake")
    html = (await client.get(page)).text
    sources = re.findall(r'(?:src|href)="([^"]+)"', html) + re.findall(r"url: '([^']+)'", html)
    assert sources, html
    assert not [s for s in sources if s.startswith(("http:", "https:", "//"))], sources
    scripts = re.findall(r'<script src="([^"]+)"', html)
    assert scripts and all(s.startswith("/docs/static/") for s in scripts), scripts
    for script in scripts:
        answer = await client.get(script)
        assert answer.status_code == 200 and len(answer.content) > 100_000, script
