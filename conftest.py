"""Test session: one real PostgreSQL and one real Kafka-protocol broker, started once.

This runs when pytest imports the root conftest, before any service module (and its settings) is
imported by the service test packages. With DATABASE_URL / KAFKA_BOOTSTRAP_SERVERS already set, the
tests use those servers instead.
"""

import atexit
import os
import shutil
import tempfile
from pathlib import Path

os.environ.setdefault("ENVIRONMENT", "test")
os.environ.setdefault("LOG_LEVEL", "WARNING")
# The embedded broker serves every partition of every topic to one process: the feeds' production default
# (12 each) makes each fetch of the session's consumers many times slower. A count of their own (not the other
# topics' 3) still shows the setting applied.
os.environ.setdefault("DEPT_TOPIC_PARTITIONS", "4")
# `make test-fast`: only the tests that need neither database nor broker (no `services` fixture, directly or
# through a service's `client`); the addresses below are never dialled.
if os.environ.get("SAFETYNET_FAST") == "1":
    os.environ.setdefault("DATABASE_URL", "postgresql+asyncpg://fast-tier@127.0.0.1:1/none")
    os.environ.setdefault("KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:1")

if not (os.environ.get("DATABASE_URL") and os.environ.get("KAFKA_BOOTSTRAP_SERVERS")):
    from devkit.runtime.embedded import EmbeddedRuntime

    _data_dir = Path(tempfile.mkdtemp(prefix="safetynet-test-"))
    _runtime = EmbeddedRuntime(_data_dir).start()
    os.environ.update(_runtime.env())

    @atexit.register
    def _stop() -> None:
        _runtime.stop()
        shutil.rmtree(_data_dir, ignore_errors=True)


# Imported after the environment is set, so service settings see the test servers.
import datetime as dt
from collections.abc import AsyncIterator, Iterator
from contextlib import AsyncExitStack
from importlib import import_module

import httpx
import pytest

from devkit.testing.fixtures import SCENARIO, set_clock, travel

# Before any test module is imported: module constants and module fixtures see the scenario's day too.
set_clock(SCENARIO)


class Services:
    """Each service's app runs at most once per session (lifespan: migrations, relay, consumers)."""

    def __init__(self, stack: AsyncExitStack) -> None:
        self.stack = stack
        self.clients: dict[str, httpx.AsyncClient] = {}

    async def client(self, name: str) -> httpx.AsyncClient:
        if name not in self.clients:
            from devkit.testing.fixtures import running

            app = import_module(f"{name}.main").app
            self.clients[name] = await self.stack.enter_async_context(running(app))
            if name in PACK_READERS:
                await self._packs_arrived(name, app)
        return self.clients[name]

    async def _packs_arrived(self, name: str, app: object) -> None:
        """A test starts once the shipped policy packs have reached the service that applies them."""
        from devkit.testing.fixtures import packs_arrived

        await self.client("screening")
        await packs_arrived(name, app)  # type: ignore[arg-type]


PACK_READERS = ("intake", "assistance")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if os.environ.get("SAFETYNET_FAST") != "1":
        return
    keep = [
        i for i in items if "services" not in getattr(i, "fixturenames", ()) and i.get_closest_marker("runtime") is None
    ]
    config.hook.pytest_deselected(items=[i for i in items if i not in keep])
    items[:] = keep


@pytest.fixture(scope="session")
async def services() -> AsyncIterator[Services]:
    async with AsyncExitStack() as stack:
        yield Services(stack)


@pytest.fixture(autouse=True)
def scenario_clock(request: pytest.FixtureRequest) -> Iterator[None]:
    """Every test runs at the scenario's instant, unless it says otherwise: `real_clock` (its dates follow the
    machine's clock, which `make test-dates` moves) or `clock(instant)` (a boundary such as 00:30 Beijing time
    on the 1st of a month)."""
    marker = request.node.get_closest_marker("clock")
    instant: dt.datetime | None = marker.args[0] if marker is not None else SCENARIO
    if request.node.get_closest_marker("real_clock") is not None:
        instant = None
    with travel(instant):
        yield
