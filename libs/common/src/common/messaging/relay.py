"""Outbox relay: claims unsent rows, publishes them with acks=all, marks them sent.

Claims use FOR UPDATE SKIP LOCKED plus a lease, so two relays never publish the same row at once and
a crashed relay's rows are picked up when its lease expires. A broker outage leaves rows unsent and the
relay retries with back-off; nothing is lost. A row published twice (crash between publish and mark) is
harmless: consumers dedupe by event id.
"""

import asyncio
import contextlib
import datetime as dt
from typing import Any

import asyncpg
from aiokafka import AIOKafkaProducer
from aiokafka.errors import KafkaError
from sqlalchemy import Table, and_, delete, or_, select, update
from sqlalchemy.exc import DBAPIError
from sqlalchemy.sql import func

from common.db import Database, asyncpg_dsn
from common.logging import log
from common.messaging.kafka import make_producer, start_with_retry
from common.metrics import OUTBOX_LAG, OUTBOX_PUBLISHED

SENT_RETENTION = dt.timedelta(days=7)


class OutboxRelay:
    def __init__(
        self,
        db: Database,
        table: Table,
        channel: str,
        bootstrap: str,
        *,
        database_url: str,
        batch_size: int = 500,
        poll_interval_s: float = 1.0,
        lease_s: float = 30.0,
        client_id: str = "relay",
    ) -> None:
        self.db, self.table, self.channel = db, table, channel
        self.bootstrap, self.database_url, self.client_id = bootstrap, database_url, client_id
        self.batch_size, self.poll_interval_s, self.lease_s = batch_size, poll_interval_s, lease_s
        self._wake = asyncio.Event()
        self._stop = asyncio.Event()
        self.producer: AIOKafkaProducer | None = None

    async def run(self) -> None:
        self.producer = make_producer(self.bootstrap, self.client_id)
        await start_with_retry(self.producer, "outbox-relay", self._stop)
        listener = await self._listen()
        try:
            backoff = 0.1
            next_purge = 0.0
            loop = asyncio.get_running_loop()
            while not self._stop.is_set():
                try:
                    if loop.time() >= next_purge:
                        await self.purge_sent(SENT_RETENTION)
                        next_purge = loop.time() + 600
                    sent = await self.publish_batch()
                    backoff = 0.1
                except (KafkaError, OSError, asyncpg.PostgresError, DBAPIError) as exc:
                    log.warning("outbox relay retrying", error=f"{exc.__class__.__name__}: {exc}", retry_in=backoff)
                    await asyncio.sleep(backoff)
                    backoff = min(backoff * 2, 5.0)
                    continue
                if sent < self.batch_size:
                    self._wake.clear()
                    with contextlib.suppress(TimeoutError):
                        await asyncio.wait_for(self._wake.wait(), self.poll_interval_s)
        finally:
            if listener is not None:
                await listener.close()
            await self.producer.stop()

    def stop(self) -> None:
        self._stop.set()
        self._wake.set()

    async def _listen(self) -> asyncpg.Connection | None:
        try:
            conn = await asyncpg.connect(asyncpg_dsn(self.database_url))
            await conn.add_listener(self.channel, lambda *_: self._wake.set())
            return conn
        except (OSError, asyncpg.PostgresError) as exc:
            log.warning("outbox relay polls only: LISTEN failed", error=str(exc))
            return None

    async def publish_batch(self) -> int:
        rows = await self._claim()
        if not rows:
            return 0
        assert self.producer is not None
        t = self.table
        try:
            futures = [
                await self.producer.send(
                    r.topic,
                    r.value,
                    key=r.key.encode() if r.key else None,
                    headers=[("content-type", b"application/cloudevents+json")],
                )
                for r in rows
            ]
            await asyncio.gather(*futures)
        except Exception as exc:
            async with self.db.transaction() as s:
                await s.execute(
                    update(t)
                    .where(t.c.seq.in_([r.seq for r in rows]))
                    .values(claimed_until=None, last_error=f"{exc.__class__.__name__}: {exc}"[:2000])
                )
            raise
        async with self.db.transaction() as s:
            await s.execute(
                update(t).where(t.c.seq.in_([r.seq for r in rows])).values(sent_at=func.now(), claimed_until=None)
            )
        OUTBOX_PUBLISHED.labels(self.client_id).inc(len(rows))
        OUTBOX_LAG.labels(self.client_id).observe((dt.datetime.now(dt.UTC) - rows[0].created_at).total_seconds())
        return len(rows)

    async def _claim(self) -> list[Any]:
        t = self.table
        async with self.db.transaction() as s:
            claimable = (
                select(t.c.seq)
                .where(and_(t.c.sent_at.is_(None), or_(t.c.claimed_until.is_(None), t.c.claimed_until < func.now())))
                .order_by(t.c.seq)
                .limit(self.batch_size)
                .with_for_update(skip_locked=True)
            )
            result = await s.execute(
                update(t)
                .where(t.c.seq.in_(claimable.scalar_subquery()))
                .values(claimed_until=func.now() + dt.timedelta(seconds=self.lease_s), attempts=t.c.attempts + 1)
                .returning(t.c.seq, t.c.topic, t.c.key, t.c.value, t.c.created_at)
            )
            return sorted(result.all(), key=lambda r: r.seq)

    async def purge_sent(self, older_than: dt.timedelta) -> None:
        """Sent rows are kept a while for diagnosis, then dropped so the table stays small."""
        t = self.table
        async with self.db.transaction() as s:
            await s.execute(delete(t).where(t.c.sent_at < func.now() - older_than))
