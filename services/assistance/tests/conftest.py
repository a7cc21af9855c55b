from typing import Any

import httpx
import pytest


@pytest.fixture(scope="session")
async def client(services: Any) -> httpx.AsyncClient:
    await services.client("screening")  # its policy events carry the monitoring lines assistance judges by
    return await services.client("assistance")


@pytest.fixture(scope="session")
async def intake(services: Any) -> httpx.AsyncClient:
    return await services.client("intake")


@pytest.fixture(scope="session")
async def screening(services: Any) -> httpx.AsyncClient:
    return await services.client("screening")
