from typing import Any

import httpx
import pytest


@pytest.fixture(scope="session")
async def client(services: Any) -> httpx.AsyncClient:
    return await services.client("ledger")


@pytest.fixture(scope="session")
async def intake(services: Any) -> httpx.AsyncClient:
    return await services.client("intake")
