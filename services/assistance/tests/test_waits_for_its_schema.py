"""A replica that starts before its schema is migrated (RUN_MIGRATIONS=false: the pod's init container or a
compose job migrates) waits, saying so, and starts once the migration has run: no crash loop. On a real
PostgreSQL, in a database of its own that nothing has migrated yet."""

import asyncio
import dataclasses
import uuid
from typing import Any

import asyncpg
import httpx
import pytest
from sqlalchemy.engine import make_url

from assistance.main import spec
from common.app import create_app
from common.db import asyncpg_dsn
from common.migrations import NotMigrated, upgrade_async, wait_for_schema


async def test_a_service_started_before_its_migration_waits_for_it_then_starts(
    services: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    url = spec.settings.database_url or ""
    database = f"late_{uuid.uuid4().hex[:8]}"
    admin = await asyncpg.connect(asyncpg_dsn(url))
    await admin.execute(f'CREATE DATABASE "{database}"')
    fresh = make_url(url).set(database=database).render_as_string(hide_password=False)
    settings = spec.settings.model_copy(update={"database_url": fresh, "run_migrations": False, "run_workers": False})
    app = create_app(dataclasses.replace(spec, settings=settings))
    started, stop = asyncio.Event(), asyncio.Event()

    async def serve() -> None:
        async with app.router.lifespan_context(app):
            started.set()
            await stop.wait()

    task = asyncio.create_task(serve())
    try:
        await asyncio.sleep(1.5)  # a first look and a second: nothing migrated yet
        assert not started.is_set() and not task.done(), "started on a schema nobody migrated, or gave up"
        out = capsys.readouterr().out
        assert "waiting for the schema to be migrated" in out and "at nothing" in out
        await upgrade_async(spec.service_dir, fresh)  # the migration runs, as the init container would
        await asyncio.wait_for(started.wait(), 30)
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
            assert (await client.get("/healthz")).status_code == 200
    finally:
        stop.set()
        await asyncio.gather(task, return_exceptions=True)
        await admin.execute(f'DROP DATABASE "{database}" WITH (FORCE)')
        await admin.close()


async def test_a_service_gives_up_on_a_schema_never_migrated_after_schema_wait_s(services: Any) -> None:
    url = spec.settings.database_url or ""
    with pytest.raises(NotMigrated, match=r"gave up waiting 0\.2 s \(SCHEMA_WAIT_S\).*at nothing"):
        await wait_for_schema(spec.service_dir, url, "assistance_never_migrated", timeout_s=0.2, first_retry_s=0.05)
