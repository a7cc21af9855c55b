from collections.abc import AsyncIterator

import httpx
import pytest

from common.testing.fixtures import running
from intake.main import app


@pytest.fixture(scope="session")
async def client() -> AsyncIterator[httpx.AsyncClient]:
    async with running(app) as c:
        yield c
