"""Alembic, shared: each service's migrations/env.py calls `run_env`; a service migrates on start, or (in a
deployment, RUN_MIGRATIONS=false) `python -m common.migrations <service>` runs as the schema's owner first (an
init container of the service's pod, a compose job) and the service waits until its schema is at the head
revision (docs/adr/0018-deploying-a-release-twice.md)."""

import asyncio
import sys
import time
from importlib import import_module
from pathlib import Path

from alembic import command, context
from alembic.config import Config
from alembic.script import ScriptDirectory
from sqlalchemy import MetaData, text
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import create_async_engine

from common.db import async_url
from common.logging import log


def alembic_config(service_dir: Path, url: str) -> Config:
    cfg = Config(str(service_dir / "alembic.ini"))
    cfg.set_main_option("script_location", str(service_dir / "migrations"))
    cfg.set_main_option("sqlalchemy.url", async_url(url).replace("%", "%%"))
    return cfg


def upgrade(service_dir: Path, url: str) -> None:
    command.upgrade(alembic_config(service_dir, url), "head")


async def upgrade_async(service_dir: Path, url: str) -> None:
    # Alembic's API is synchronous and its async env runs its own loop: keep it off ours.
    await asyncio.to_thread(upgrade, service_dir, url)


class NotMigrated(RuntimeError):
    pass


async def check_at_head(service_dir: Path, url: str, schema: str) -> None:
    """Refuse to start on a schema the migration job has not brought to the head revision."""
    if not schema.isidentifier():
        raise ValueError(f"not a schema name: {schema!r}")
    head = ScriptDirectory.from_config(alembic_config(service_dir, url)).get_current_head()
    engine = create_async_engine(async_url(url))
    try:
        async with engine.connect() as conn:
            exists = (await conn.execute(text("SELECT to_regclass(:t)"), {"t": f"{schema}.alembic_version"})).scalar()
            current = (
                # The schema is a service's own name (checked below), never input.
                (await conn.execute(text(f'SELECT version_num FROM "{schema}".alembic_version'))).scalar()  # noqa: S608
                if exists
                else None
            )
    finally:
        await engine.dispose()
    if current != head:
        raise NotMigrated(
            f"the {schema} schema is at {current or 'nothing'}, not {head}: run the migration job "
            f"(python -m common.migrations {schema}) before the service, or set RUN_MIGRATIONS=true"
        )


async def wait_for_schema(
    service_dir: Path, url: str, schema: str, timeout_s: float, first_retry_s: float = 1.0, max_retry_s: float = 30.0
) -> None:
    """Wait for the migration to bring the schema to the head revision (and for the database to accept
    connections), saying so, with a growing pause between looks; give up (NotMigrated) after `timeout_s`.
    A replica that starts before its migration has run waits rather than crash-looping."""
    deadline = time.monotonic() + timeout_s
    delay = first_retry_s
    while True:
        try:
            await check_at_head(service_dir, url, schema)
            return
        except (NotMigrated, OSError) as exc:  # OSError: the database is not reachable yet
            left = deadline - time.monotonic()
            if left <= 0:
                raise NotMigrated(f"gave up waiting {timeout_s:g} s (SCHEMA_WAIT_S): {exc}") from exc
            reason = str(exc) if isinstance(exc, NotMigrated) else f"database not reachable ({type(exc).__name__})"
            log.warning("waiting for the schema to be migrated", schema=schema, reason=reason, retry_in_s=delay)
            await asyncio.sleep(min(delay, left))
            delay = min(delay * 2, max_retry_s)


def main(argv: list[str] | None = None) -> int:
    """`python -m common.migrations <service>`: bring the service's schema to head with its DATABASE_URL
    (the schema owner's), then run the service's steps after migrating (the ledger's grants)."""
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1 or args[0] not in ("intake", "screening", "assistance", "ledger"):
        print("usage: python -m common.migrations {intake|screening|assistance|ledger}", file=sys.stderr)
        return 2
    spec = import_module(f"{args[0]}.main").spec
    url = spec.settings.database_url
    if not url:
        print("DATABASE_URL is not set", file=sys.stderr)
        return 2
    upgrade(spec.service_dir, url)
    for step in spec.after_migrations:
        asyncio.run(step(url))
    print(f"{args[0]}: migrated to head")
    return 0


def run_env(metadata: MetaData) -> None:
    """Body of every service's migrations/env.py (online mode, asyncpg)."""
    schema = metadata.schema
    url = context.config.get_main_option("sqlalchemy.url")
    assert url and schema

    def do_run(connection: Connection) -> None:
        # Replicas starting together must not race the same migration (or the schema's creation).
        connection.execute(text("SELECT pg_advisory_lock(hashtext(:s))"), {"s": f"migrate:{schema}"})
        try:
            connection.execute(text(f'CREATE SCHEMA IF NOT EXISTS "{schema}"'))
            connection.commit()
            context.configure(
                connection=connection,
                target_metadata=metadata,
                version_table_schema=schema,
                include_schemas=True,
                compare_type=True,
                include_name=lambda name, type_, _: type_ != "schema" or name == schema,
            )
            with context.begin_transaction():
                context.run_migrations()
            connection.commit()
        finally:
            connection.execute(text("SELECT pg_advisory_unlock(hashtext(:s))"), {"s": f"migrate:{schema}"})

    async def run() -> None:
        engine = create_async_engine(url)
        async with engine.connect() as conn:
            await conn.run_sync(do_run)
            await conn.commit()  # the unlock's implicit transaction
        await engine.dispose()

    asyncio.run(run())


if __name__ == "__main__":
    sys.exit(main())
