"""Alembic, shared: each service's migrations/env.py calls `run_env`, and services migrate on start."""

import asyncio
from pathlib import Path

from alembic import command, context
from alembic.config import Config
from sqlalchemy import MetaData, text
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import create_async_engine

from common.db import async_url


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
