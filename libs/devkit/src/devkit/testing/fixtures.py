"""Test helpers shared by every service's tests: running apps, tokens, valid resident IDs, the bus."""

import asyncio
import datetime as dt
import random
import uuid
from collections.abc import AsyncIterator, Iterator, Sequence
from contextlib import AbstractContextManager, asynccontextmanager, contextmanager
from typing import Any

import httpx
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from fastapi import FastAPI
from stdnum.cn import ric

from common import clock
from common.auth import issue_token
from common.settings import CommonSettings

_rng = random.Random()
_serial = iter(range(1, 10**9))


def resident_id(birth: dt.date | None = None, sex: str | None = None, region: str = "532504") -> str:
    """A valid GB 11643 ID, unique within the process: the serial picks the birth date and sequence number."""
    serial = next(_serial)
    birth = birth or dt.date(1940, 1, 1) + dt.timedelta(days=(serial // 500) % 25000)
    seq = (serial % 500) * 2 + (1 if sex == "male" else 0 if sex == "female" else _rng.randrange(2))
    body = f"{region}{birth:%Y%m%d}{seq:03d}"
    return body + ric.calc_check_digit(body + "0")  # the function skips the last character


def mobile() -> str:
    return f"13{_rng.randrange(0, 10)}{_rng.randrange(0, 10**8):08d}"


TOKEN_REACH = dt.timedelta(days=400)


def token(settings: CommonSettings, role: str, region: str, sub: str | None = None, **extra: Any) -> str:
    # Valid on every day a test travels to: a scenario walks back into a notice period and forward past it.
    with travel(clock.now() - TOKEN_REACH):
        sub = sub or f"{role}-{uuid.uuid4().hex[:8]}"
        return issue_token(
            settings, sub=sub, role=role, region=region, ttl_s=int(3 * TOKEN_REACH.total_seconds()), **extra
        )


def auth(settings: CommonSettings, role: str, region: str, sub: str | None = None, **extra: Any) -> dict[str, str]:
    return {"Authorization": f"Bearer {token(settings, role, region, sub, **extra)}"}


@asynccontextmanager
async def running(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    """The app with its lifespan (migrations, relay, consumers) and an HTTP client on it."""
    async with app.router.lifespan_context(app):
        workers = app.state.workers
        if workers is not None and workers.consumer is not None:
            await asyncio.wait_for(workers.consumer.ready.wait(), 60)
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
            yield client


async def produce(bootstrap: str, topic: str, value: bytes | None, key: bytes | None = None) -> None:
    await produce_many(bootstrap, topic, [(value, key)])


async def produce_many(bootstrap: str, topic: str, messages: Sequence[tuple[bytes | None, bytes | None]]) -> None:
    """Publish as a department system or another deployment would, straight to the topic (acks=all);
    messages sent together on one key arrive together, in order."""
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, acks="all", linger_ms=5)
    await producer.start()
    try:
        for value, key in messages:
            await producer.send(topic, value, key=key)
        await producer.flush()
    finally:
        await producer.stop()


class TopicReader:
    """Reads a topic from the beginning and waits for a matching message."""

    def __init__(self, bootstrap: str, topic: str) -> None:
        self.consumer = AIOKafkaConsumer(
            topic,
            bootstrap_servers=bootstrap,
            auto_offset_reset="earliest",
            enable_auto_commit=False,
            group_id=None,
            metadata_max_age_ms=500,
        )
        self.seen: list[Any] = []

    async def __aenter__(self) -> "TopicReader":
        await self.consumer.start()
        return self

    async def __aexit__(self, *_: Any) -> None:
        await self.consumer.stop()

    async def wait_for(self, predicate: Any, timeout: float = 30) -> Any:  # noqa: ASYNC109
        for msg in self.seen:
            if predicate(msg):
                return msg
        deadline = asyncio.get_running_loop().time() + timeout
        while asyncio.get_running_loop().time() < deadline:
            batch = await self.consumer.getmany(timeout_ms=200)
            fresh = [msg for records in batch.values() for msg in records]
            self.seen += fresh  # keep the whole batch: later waits look here first
            match = next((m for m in fresh if predicate(m)), None)
            if match is not None:
                return match
        raise TimeoutError("no matching message on the topic")


# The instant the suite's scenarios are set at: the kit's procedure dates (a consent of 20 September, an
# approval of 15 October, an elimination accepted on 20 November ...) are days of 2026 before it. The root
# conftest sets the clock here for the whole session; a test marked `real_clock` runs at the machine's time
# (`make test-dates` moves it), one marked `clock(instant)` at that instant.
SCENARIO = dt.datetime(2026, 11, 27, 10, 0, tzinfo=clock.CST)


def set_clock(instant: dt.datetime | None) -> None:
    """Set the services' clock to `instant` (None: the machine's), from where it keeps ticking."""
    clock._offset = dt.timedelta(0) if instant is None else instant - (clock.now() - clock._offset)


@contextmanager
def travel(instant: dt.datetime | None) -> Iterator[None]:
    """Move the services' clock (`common.clock`) to `instant` (None: the machine's), from where it keeps ticking:
    a scenario whose dates are fixed runs at a fixed point of the calendar, whatever day the suite runs on."""
    before = clock._offset
    set_clock(instant)
    try:
        yield
    finally:
        clock._offset = before


def on_day(day: dt.date) -> AbstractContextManager[None]:
    """Run the real procedure checks as on `day` (China Standard Time), at the time of day the clock shows now: a
    notice that runs in the past can be objected to, as on that day, without waiting for it."""
    return travel(dt.datetime.combine(day, clock.now().astimezone(clock.CST).timetz()))


async def eventually(check: Any, timeout: float = 30, interval: float = 0.1) -> Any:  # noqa: ASYNC109
    """Poll an async check until it returns a truthy value (asynchronous effects across the bus)."""
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        result = await check()
        if result:
            return result
        if asyncio.get_running_loop().time() > deadline:
            raise TimeoutError("condition not met in time")
        await asyncio.sleep(interval)


async def packs_arrived(name: str, app: FastAPI) -> None:
    """Intake and assistance apply screening's policy packs: wait until the shipped ones have reached `name`
    (screening running), so that nothing is judged under the local defaults and then under a pack."""
    from sqlalchemy import text

    from screening.policies.seeds import shipped

    wanted = {(p.jurisdiction.code, p.year) for p in shipped()}
    query = text(f"SELECT DISTINCT jurisdiction, year FROM {name}.policy_packs")  # noqa: S608 (a fixed name)

    async def arrived() -> bool:
        async with app.state.db.engine.connect() as conn:
            return wanted <= {tuple(r) for r in await conn.execute(query)}

    assert await eventually(arrived, timeout=60), f"the shipped policy packs did not reach {name}"


async def rows_as_text(engine: Any) -> dict[str, str]:
    """Every row of every table of the services' schemas as text, by table, for a plaintext scan; the outboxes'
    payloads that are not encrypted as the UTF-8 they are (bytea shows as hex in ::text)."""
    from sqlalchemy import text

    schemas = ("intake", "screening", "assistance", "ledger")
    found: dict[str, str] = {}
    async with engine.connect() as conn:
        tables = await conn.execute(
            text(
                "SELECT table_schema, table_name FROM information_schema.tables "
                "WHERE table_type = 'BASE TABLE' AND table_schema = ANY(:schemas)"
            ),
            {"schemas": list(schemas)},
        )
        for schema, table in tables.all():
            rows = await conn.execute(text(f'SELECT t::text FROM "{schema}"."{table}" t'))  # noqa: S608
            found[f"{schema}.{table}"] = "\n".join(r[0] for r in rows)
        for schema in [t.split(".")[0] for t in list(found) if t.endswith(".outbox")]:  # the services started
            query = f"SELECT convert_from(value, 'UTF8') FROM {schema}.outbox WHERE NOT encrypted"  # noqa: S608
            plain = await conn.execute(text(query))
            found[f"{schema}.outbox payloads"] = "\n".join(r[0] for r in plain)
    return found


def stop_process(proc: Any, timeout: float = 60) -> None:
    """SIGTERM, then SIGKILL if it has not stopped within `timeout` (a `safetynet run` a test started)."""
    import signal
    import subprocess

    proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
