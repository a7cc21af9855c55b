"""Async SQLAlchemy engine and sessions, one PostgreSQL schema per service.

One session per request: the `session` dependency commits once when the endpoint returns (before the
response is sent) or rolls back on error. Services never commit themselves.
"""

from collections.abc import AsyncIterator, Awaitable, Callable, Iterable
from contextlib import asynccontextmanager
from typing import Annotated, Any

import orjson
from fastapi import Depends, Request
from sqlalchemy import JSON, DateTime, MetaData, any_, func, literal
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine
from sqlalchemy.orm import mapped_column

from common import clock
from common.logging import log

NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def schema_metadata(schema: str) -> MetaData:
    """Metadata whose tables live in the service's own schema, with explicit constraint names."""
    return MetaData(schema=schema, naming_convention=NAMING_CONVENTION)


def async_url(url: str) -> str:
    """Accept plain `postgresql://` URLs (as ops and the embedded server give them) for asyncpg."""
    u = make_url(url)
    if u.drivername in ("postgresql", "postgres"):
        u = u.set(drivername="postgresql+asyncpg")
    return u.render_as_string(hide_password=False)


def asyncpg_dsn(url: str) -> str:
    """The same URL for asyncpg itself (benchmarks and raw COPY paths)."""
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


_BEFORE_COMMIT = "before_commit"


def before_commit(session: AsyncSession, key: str, work: Callable[[AsyncSession], Awaitable[None]]) -> None:
    """Run `work` once, just before this transaction commits, however many times it is asked for under the
    same key: many events in one consumer batch touching one household are judged once, on the final state."""
    session.info.setdefault(_BEFORE_COMMIT, {}).setdefault(key, work)


async def run_before_commit(session: AsyncSession) -> None:
    pending: dict[str, Callable[[AsyncSession], Awaitable[None]]] = session.info.get(_BEFORE_COMMIT, {})
    while pending:  # work may ask for more work
        _, work = pending.popitem()
        await work(session)


async def upsert_newer(
    session: AsyncSession, model: Any, key: dict[str, Any], values: dict[str, Any], version: Any
) -> bool:
    """Write a projection row from an event unless the stored row is as new or newer (events may arrive
    late or twice). `version` is the model's version column, also present in `values`. True if written."""
    written = await session.execute(
        pg_insert(model)
        .values(**key, **values)
        .on_conflict_do_update(index_elements=list(key), set_=values, where=version < values[version.key])
        .returning(*(getattr(model, k) for k in key))
    )
    return written.first() is not None


class Database:
    def __init__(self, url: str, *, pool_size: int = 10, **engine_kwargs: Any) -> None:
        self.engine: AsyncEngine = create_async_engine(
            async_url(url),
            pool_size=pool_size,
            max_overflow=pool_size,
            pool_pre_ping=True,
            # A statement's parameters are personal data (names, addresses): never in an error or a log.
            hide_parameters=True,
            **engine_kwargs,
        )
        self.sessionmaker = async_sessionmaker(self.engine, expire_on_commit=False)

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[AsyncSession]:
        """A unit of work outside a request (workers, consumers): commit on success, roll back on error."""
        async with self.sessionmaker() as session, session.begin():
            yield session
            await run_before_commit(session)

    async def dispose(self) -> None:
        await self.engine.dispose()


async def _request_session(request: Request) -> AsyncIterator[AsyncSession]:
    db: Database = request.app.state.db
    async with db.sessionmaker() as session:
        if request.method in ("GET", "HEAD"):
            # A read answers from one snapshot: a case and its steps, a household and its timeline, must not
            # straddle a concurrent commit. (Reads may still write their access-audit event.)
            await session.connection(execution_options={"isolation_level": "REPEATABLE READ"})
        try:
            yield session
            await run_before_commit(session)
            await session.commit()
        except BaseException as exc:
            await session.rollback()
            recorded = getattr(exc, "recorded", None)
            if recorded is not None:  # a refusal that must leave a trace (Problem.recorded)
                try:
                    async with db.transaction() as record:
                        await recorded(record)
                except Exception:  # the refusal still answers; the lost trace is logged, not hidden
                    log.exception("could not record a refused request", problem=exc.__class__.__name__)
            raise


# scope="function": commit before the response is sent, so a 2xx always means "stored".
SessionDep = Annotated[AsyncSession, Depends(_request_session, scope="function")]


def among(column: Any, values: Iterable[Any]) -> Any:
    """`column = ANY($1)` with the values as one array parameter of the column's type: an IN list of a
    thousand values is a thousand parameters to render and bind (measured: a tenth of a re-screening chunk's
    time)."""
    return column == any_(literal(list(values), ARRAY(column.type)))


async def copy_rows(session: AsyncSession, table: Any, columns: list[str], records: Iterable[tuple[Any, ...]]) -> None:
    """Insert many rows with COPY on the session's own connection: inside its transaction, and the fastest
    way in (an executemany of ten thousand rows measured several times slower). Columns left out take their
    defaults; the values of JSON columns are encoded here (COPY takes their text)."""
    json = [i for i, c in enumerate(columns) if isinstance(table.c[c].type, JSON)]
    rows = [_json_encoded(r, json) for r in records] if json else list(records)
    raw = (await (await session.connection()).get_raw_connection()).driver_connection
    assert raw is not None
    await raw.copy_records_to_table(table.name, schema_name=table.schema, records=rows, columns=columns)


def _json_encoded(record: tuple[Any, ...], json: list[int]) -> tuple[Any, ...]:
    values = list(record)
    for i in json:
        values[i] = orjson.dumps(values[i], default=str).decode()
    return tuple(values)


def stamped() -> Any:
    """A column stamped with the instant its row is written, from `common.clock` (ADR 0016); the database's
    `now()` stamps only the rows written without the ORM's defaults (COPY)."""
    return mapped_column(DateTime(timezone=True), default=clock.now, server_default=func.now())
