"""A poison message never stops a partition. A 1.2 MB CloudEvent on dept.water.v1 (a producer allowing large
messages) held the ledger's and screening's consumers for ever: their dead-letter producer kept the 1 MiB
default and retried its refusal, while every later event on the partition waited and /readyz said 200. Now
what the dead-letter topic will not take is kept in the service's dead_letters table with its reason, the
partition moves on, and a consumer held on one batch shows in /readyz, its busy time and its lag."""

import asyncio
import datetime as dt
import time
import uuid
from typing import Any

import pytest
from aiokafka import AIOKafkaProducer
from sqlalchemy import text

from common.db import Database
from common.events.envelope import encode, new_envelope
from common.messaging.consumer import ConsumerRunner, Subscription
from contracts.dept import WaterRecordV1
from devkit.kit.people import ADMIN, AUDITOR
from devkit.testing.fixtures import eventually, resident_id


def _record() -> WaterRecordV1:
    return WaterRecordV1(
        record_id=f"WA-{uuid.uuid4().hex[:10]}",
        resident_id=resident_id(),
        event_date=dt.date(2026, 11, 2),
        kind="unsafe",
        issue="access",
    )


async def _send(bootstrap: str, values: list[bytes], key: bytes) -> None:
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, acks="all", max_request_size=4 * 1024**2)
    await producer.start()
    try:
        for value in values:
            await producer.send_and_wait(WaterRecordV1.topic, value, key=key)
    finally:
        await producer.stop()


async def test_an_oversized_event_is_kept_and_the_partition_moves_on(services: Any) -> None:
    screening, ledger = await services.client("screening"), await services.client("ledger")
    held = screening._transport.app.state.workers.consumer  # type: ignore[attr-defined]
    held.dlq_max_bytes = 1024**2  # as the probe found it: a dead-letter topic taking no more than 1 MiB
    bootstrap = held.bootstrap
    key = b"water:poison"
    big = _record()
    value = encode(new_envelope(big, source="/gov/water", subject=key.decode())).value
    oversized = value.replace(b'"kind":', b'"padding": "' + b"x" * 1_200_000 + b'", "kind":', 1)
    later = _record()
    behind = new_envelope(later, source="/gov/water", subject=key.decode())
    after = encode(behind).value
    await _send(bootstrap, [oversized, after], key)

    async def screened() -> bool:  # the event behind it on the same partition reached screening
        r = await screening.get("/feeds/unmatched", params={"limit": 500, "department": "water"}, headers=ADMIN)
        return r.status_code == 200 and any(i["record_id"] == later.record_id for i in r.json()["items"])

    assert await eventually(screened, timeout=60)

    async def logged() -> bool:  # and the ledger, whose own dead-letter limit is the default
        r = await ledger.get("/entries", params={"topic": WaterRecordV1.topic, "limit": 500}, headers=AUDITOR)
        return r.status_code == 200 and any(e["event_id"] == behind.get_id() for e in r.json()["items"])

    assert await eventually(logged, timeout=60)
    db: Database = screening._transport.app.state.db  # type: ignore[attr-defined]
    async with db.engine.connect() as conn:
        kept = (
            await conn.execute(
                text(
                    "SELECT size, sha256, value, reason FROM screening.dead_letters WHERE topic = :t AND size > 1000000"
                ),
                {"t": WaterRecordV1.topic},
            )
        ).all()
    assert len(kept) == 1 and kept[0].size == len(oversized)
    assert "over the dead-letter topic's limit" in kept[0].reason
    assert kept[0].value is not None and big.resident_id.encode() not in kept[0].value  # kept, encrypted
    assert (await screening.get("/readyz")).status_code == 200
    metrics = (await screening.get("/metrics")).text
    assert 'events_dead_letters_kept_total{group="screening-service",topic="dept.water.v1"}' in metrics


async def test_a_consumer_held_on_one_batch_is_not_ready(services: Any) -> None:
    screening = await services.client("screening")
    consumer = screening._transport.app.state.workers.consumer  # type: ignore[attr-defined]
    record = type("Record", (), {"topic": "dept.water.v1", "partition": 0, "offset": 41})()
    before = consumer._busy
    consumer._busy = (time.monotonic() - 600, record)  # as a batch held for ten minutes leaves it
    try:
        r = await screening.get("/readyz")
        assert r.status_code == 503 and r.json()["checks"]["consumer"].startswith("stalled 600 s at dept.water.v1[0]")
        busy = [
            line
            for line in (await screening.get("/metrics")).text.splitlines()
            if line.startswith("consumer_busy_seconds{")
        ]
        assert any(float(line.split()[-1]) >= 600 for line in busy)
    finally:
        consumer._busy = before
    assert (await screening.get("/readyz")).status_code == 200


@pytest.mark.runtime
async def test_stop_ends_a_consumer_mid_retry_and_commits_nothing_undone() -> None:
    """The database is away, so every apply is retried with back-off; stop() ends the run within seconds and
    commits no offset for the batch it could not apply."""
    from intake.config import settings
    from intake.mechanisms import dead_letters, inbox

    unreachable = Database("postgresql+asyncpg://nobody:x@127.0.0.1:1/none")
    group = f"stop-test-{uuid.uuid4().hex[:6]}"
    applied: list[Any] = []

    async def handler(session: Any, envelope: Any) -> None:
        applied.append(envelope)

    runner = ConsumerRunner(
        unreachable,
        inbox,
        settings.kafka_bootstrap_servers or "",
        group,
        [Subscription(WaterRecordV1.topic, handler=handler)],
        dead_letters=dead_letters,
    )
    task = asyncio.create_task(runner.run())
    await _send(runner.bootstrap, [encode(new_envelope(_record(), source="/gov/water", subject="w:1")).value], b"w:1")
    await asyncio.wait_for(runner.ready.wait(), 60)

    async def retrying() -> bool:
        return runner._busy is not None and runner._busy_seconds() > 1

    assert await eventually(retrying, timeout=60)
    runner.stop()
    await asyncio.wait_for(task, 10)  # a bound on liveness, not a measurement: a retry no longer waits itself out
    assert applied == [] and runner._done == {}
    await unreachable.engine.dispose()
