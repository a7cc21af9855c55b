"""The ledger's service account, as the migration job grants it: it reads and appends to the log and works
its outbox and inbox, and the database itself refuses it any change to the log. A service whose schema the
job has not migrated refuses to start; pods migrating together grant in turn."""

import asyncio
import os
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import asyncpg
import pytest

from common.db import asyncpg_dsn
from common.migrations import NotMigrated, check_at_head
from ledger.config import settings
from ledger.grants import grant_app_role

LEDGER_DIR = Path(__file__).resolve().parents[1]


@asynccontextmanager
async def app_role(monkeypatch: Any) -> AsyncIterator[tuple[str, str, asyncpg.Connection]]:
    """A new login role that LEDGER_APP_ROLE names (the database URL, the role, the owner's connection),
    dropped afterwards."""
    url = settings.database_url or ""
    role = f"ledger_app_{uuid.uuid4().hex[:8]}"
    owner = await asyncpg.connect(asyncpg_dsn(url))
    try:
        await owner.execute(f"CREATE ROLE {role} LOGIN PASSWORD 'test-only'")
        monkeypatch.setitem(os.environ, "LEDGER_APP_ROLE", role)
        yield url, role, owner
    finally:
        await owner.execute(f"REASSIGN OWNED BY {role} TO CURRENT_USER; DROP OWNED BY {role}; DROP ROLE {role}")
        await owner.close()


async def test_the_app_role_appends_and_reads_but_cannot_change_the_log(services: Any, monkeypatch: Any) -> None:
    await services.client("ledger")
    async with app_role(monkeypatch) as (url, role, _):
        await grant_app_role(url)
        as_app = await asyncpg.connect(asyncpg_dsn(url), user=role, password="test-only")
        try:
            assert await as_app.fetchval("SELECT count(*) FROM ledger.entries") >= 0
            await as_app.execute("SELECT * FROM ledger.inbox LIMIT 1")
            for change in (
                "UPDATE ledger.entries SET type = type",
                "DELETE FROM ledger.entries",
                "TRUNCATE ledger.tree_nodes",
                "DELETE FROM ledger.checkpoints",
                "UPDATE ledger.national_exports SET region_prefix = region_prefix",
                "SET session_replication_role = replica",  # nor can it switch the append-only trigger off
            ):
                with pytest.raises(asyncpg.PostgresError, match="permission denied"):
                    await as_app.execute(change)
        finally:
            await as_app.close()


async def test_a_service_refuses_a_schema_the_migration_job_has_not_migrated(services: Any) -> None:
    await services.client("ledger")
    url = settings.database_url or ""
    await check_at_head(LEDGER_DIR, url, "ledger")  # migrated at start: passes
    with pytest.raises(NotMigrated, match="run the migration job"):
        await check_at_head(LEDGER_DIR, url, "ledger_never_migrated")


async def test_ledger_pods_migrating_together_grant_in_turn(services: Any, monkeypatch: Any) -> None:
    """Each new ledger pod's init container grants after migrating: started together, none fails."""
    await services.client("ledger")
    async with app_role(monkeypatch) as (url, role, owner):
        await asyncio.gather(*(grant_app_role(url) for _ in range(4)))
        assert await owner.fetchval("SELECT has_table_privilege($1, 'ledger.entries', 'INSERT')", role)
