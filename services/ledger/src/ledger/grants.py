"""The ledger's service account: it may read and append to the log, never change it (the log's rows are
never updated or deleted; the database refuses it, not only the code). The migration (`python -m
common.migrations ledger`: a compose job, the init container of each ledger pod) grants this, as the schema
owner, to the role LEDGER_APP_ROLE names; the service then connects as that role (its DATABASE_URL)."""

import os

from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from common.db import async_url
from ledger import models  # noqa: F401  (every table of the schema, registered)
from ledger.schema import Base

# The record: read and appended, never changed. Every other table of the schema is a mechanism's (outbox,
# inbox, idempotency keys), which the service updates as it works.
APPEND_ONLY = ("entries", "tree_nodes", "checkpoints", "national_exports", "national_export_acks")


def statements(role: str) -> list[str]:
    quoted = '"' + role.replace('"', '""') + '"'
    tables = sorted(t.name for t in Base.metadata.sorted_tables)
    log = ", ".join(f"ledger.{t}" for t in APPEND_ONLY)
    working = ", ".join(f"ledger.{t}" for t in tables if t not in APPEND_ONLY)
    return [
        f"GRANT USAGE ON SCHEMA ledger TO {quoted}",
        f"GRANT SELECT, INSERT ON {log} TO {quoted}",
        f"REVOKE UPDATE, DELETE, TRUNCATE ON {log} FROM {quoted}",
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON {working} TO {quoted}",
        f"GRANT SELECT ON ledger.alembic_version TO {quoted}",
        f"GRANT USAGE ON ALL SEQUENCES IN SCHEMA ledger TO {quoted}",
    ]


async def grant_app_role(url: str) -> None:
    """Grant the service account its rights, if LEDGER_APP_ROLE names it (the role itself, with its password,
    is the database administrator's to create)."""
    role = os.environ.get("LEDGER_APP_ROLE")
    if not role:
        return
    engine = create_async_engine(async_url(url))
    try:
        async with engine.begin() as conn:
            # Each new pod's init container grants after migrating: two GRANTs on one table at once fail
            # ("tuple concurrently updated"), so they take turns, under the lock the migrations take.
            await conn.execute(text("SELECT pg_advisory_xact_lock(hashtext('migrate:ledger'))"))
            for statement in statements(role):
                await conn.execute(text(statement))
    finally:
        await engine.dispose()
