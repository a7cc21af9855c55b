"""The relay over a real database and a real broker: commits publish, rollbacks don't, outages wait."""

import asyncio
import os
import tempfile
import uuid
from pathlib import Path
from typing import ClassVar

import pytest
from sqlalchemy import MetaData, select, text

from common.db import Database
from common.events.envelope import decode
from common.messaging.outbox import Outbox
from common.messaging.relay import OutboxRelay
from contracts.base import EventContract
from devkit.runtime.embedded import EmbeddedRuntime, free_port
from devkit.testing.fixtures import TopicReader, eventually
from devkit.testing.netcut import CuttableProxy

TOPIC = f"test.relay-{uuid.uuid4().hex[:6]}.v1"


pytestmark = pytest.mark.runtime


class Ping(EventContract):
    topic: ClassVar[str] = TOPIC
    type: ClassVar[str] = "test.ping"
    n: int


@pytest.fixture
async def db() -> Database:
    database = Database(os.environ["DATABASE_URL"])
    yield database
    await database.dispose()


async def test_relay_publishes_committed_events_and_outlives_a_broker_outage(db: Database) -> None:
    metadata = MetaData(schema="relaytest")
    outbox = Outbox(metadata, source="/test", topics=[TOPIC])
    async with db.engine.begin() as conn:
        await conn.execute(text("CREATE SCHEMA IF NOT EXISTS relaytest"))
        await conn.run_sync(metadata.create_all)
    # Clients reach the broker through a proxy we can cut: a network outage while the broker lives on.
    proxy = CuttableProxy(free_port(), free_port())
    await proxy.start()
    broker = EmbeddedRuntime(Path(tempfile.mkdtemp()))
    bootstrap = broker.start_broker(proxy.target_port, advertised_port=proxy.listen_port)
    relay = OutboxRelay(
        outbox.table,
        outbox.channel,
        bootstrap,
        database_url=os.environ["DATABASE_URL"],
        batch_size=50,
        poll_interval_s=0.2,
        client_id="test-relay",
    )
    task = asyncio.create_task(relay.run())
    try:
        async with db.transaction() as s:
            kept = [await outbox.add(s, Ping(n=i), subject=f"h{i % 7}") for i in range(120)]
        with pytest.raises(RuntimeError):
            async with db.transaction() as s:
                await outbox.add(s, Ping(n=-1), subject="rolled-back")
                raise RuntimeError("business rule failed")

        async with TopicReader(bootstrap, TOPIC) as topic:
            await topic.wait_for(lambda m: decode(m.value).id == str(kept[-1]))
            await asyncio.sleep(0.5)
            ids = [decode(m.value).id for m in topic.seen]
        assert set(ids) == {str(k) for k in kept}
        per_key: dict[str, list[int]] = {}
        for m in topic.seen:
            per_key.setdefault(m.key.decode(), []).append(decode(m.value).data["n"])
        assert all(ns == sorted(ns) for ns in per_key.values())  # one household's events stay in order

        await proxy.cut()
        async with db.transaction() as s:
            during = [await outbox.add(s, Ping(n=1000 + i), subject="h-outage") for i in range(30)]
        await asyncio.sleep(1.5)
        async with db.engine.connect() as conn:
            unsent = (await conn.execute(select(outbox.table.c.event_id).where(outbox.table.c.sent_at.is_(None)))).all()
        assert {r[0] for r in unsent} == set(during)  # waiting, not lost

        await proxy.start()  # the network is back: the relay reconnects and catches up
        async with TopicReader(bootstrap, TOPIC) as topic:
            await topic.wait_for(lambda m: decode(m.value).id == str(during[-1]), timeout=60)
            assert {str(d) for d in during} <= {decode(m.value).id for m in topic.seen}

        async def all_sent() -> bool:
            async with db.engine.connect() as conn:
                return not (
                    await conn.execute(select(outbox.table.c.seq).where(outbox.table.c.sent_at.is_(None)))
                ).all()

        assert await eventually(all_sent)
    finally:
        relay.stop()
        await asyncio.wait_for(task, 30)
        await proxy.cut()
        broker.stop_broker()
        async with db.engine.begin() as conn:
            await conn.execute(text("DROP SCHEMA relaytest CASCADE"))
