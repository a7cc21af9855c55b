import httpx
import pytest


@pytest.fixture(scope="session")
async def client(services) -> httpx.AsyncClient:  # type: ignore[no-untyped-def]
    return await services.client("screening")
