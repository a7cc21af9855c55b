"""Outbox relay: claims unsent rows, publishes them with acks=all, marks them sent.

Claims use FOR UPDATE SKIP LOCKED plus a lease, so two relays never publish the same row at once and
a crashed relay's rows are picked up when its lease expires. A broker outage leaves rows unsent and the
relay retries with back-off; nothing is lost. A row published twice (crash between publish and mark) is
harmless: consumers dedupe by event id.

The relay holds one asyncpg connection of its own: it LISTENs there for the outbox trigger's NOTIFY, and
runs its claim and mark statements there in autocommit (each is a single atomic statement), which keeps
its cost per batch at two round trips, beside the API's request traffic in the same process.
"""

import asyncio
import contextlib
import datetime as dt
from typing import Any

import asyncpg
from aiokafka import AIOKafkaProducer
from aiokafka.errors import KafkaError
from sqlalchemy import Table

from common.db import asyncpg_dsn
from common.logging import log
from common.messaging.kafka import make_producer, start_with_retry
from common.messaging.outbox import OUTBOX_FIELD
from common.metrics import OUTBOX_LAG, OUTBOX_PUBLISHED, RELAY_FAILURES
from common.pii import PiiCipher

SENT_RETENTION = dt.timedelta(days=7)
PURGE_EVERY_S = 600


class OutboxRelay:
    def __init__(
        self,
        table: Table,
        channel: str,
        bootstrap: str,
        *,
        database_url: str,
        batch_size: int = 500,
        poll_interval_s: float = 1.0,
        lease_s: float = 30.0,
        linger_s: float = 0.02,
        client_id: str = "relay",
        cipher: PiiCipher | None = None,
    ) -> None:
        self.cipher = cipher
        self.channel, self.bootstrap, self.client_id = channel, bootstrap, client_id
        self.dsn = asyncpg_dsn(database_url)
        self.batch_size, self.poll_interval_s, self.lease_s = batch_size, poll_interval_s, lease_s
        # After a wake-up, wait this long so the commits of concurrent requests share one batch.
        self.linger_s = linger_s
        name = f'"{table.schema}"."{table.name}"' if table.schema else f'"{table.name}"'
        self._claim_sql = f"""
            UPDATE {name} SET claimed_until = now() + make_interval(secs => $2), attempts = attempts + 1
            WHERE seq IN (SELECT seq FROM {name}
                          WHERE sent_at IS NULL AND (claimed_until IS NULL OR claimed_until < now())
                          ORDER BY seq LIMIT $1 FOR UPDATE SKIP LOCKED)
            RETURNING seq, topic, key, value, encrypted, extract(epoch FROM now() - created_at)::float8 AS age_s"""  # noqa: S608 (identifiers from our own metadata)
        self._mark_sql = f"UPDATE {name} SET sent_at = now(), claimed_until = NULL WHERE seq = ANY($1::bigint[])"  # noqa: S608
        self._release_sql = f"UPDATE {name} SET claimed_until = NULL, last_error = $2 WHERE seq = ANY($1::bigint[])"  # noqa: S608
        self._purge_sql = f"DELETE FROM {name} WHERE sent_at < now() - make_interval(secs => $1)"  # noqa: S608
        self._wake = asyncio.Event()
        self._stop = asyncio.Event()
        self._conn: asyncpg.Connection | None = None
        self.producer: AIOKafkaProducer | None = None

    async def run(self) -> None:
        self.producer = make_producer(self.bootstrap, self.client_id)
        await start_with_retry(self.producer, "outbox-relay", self._stop)
        try:
            backoff, next_purge = 0.1, 0.0
            loop = asyncio.get_running_loop()
            while not self._stop.is_set():
                try:
                    conn = await self._connection()
                    if loop.time() >= next_purge:
                        await conn.execute(self._purge_sql, SENT_RETENTION.total_seconds())
                        next_purge = loop.time() + PURGE_EVERY_S
                    sent = await self.publish_batch()
                    backoff = 0.1
                except (KafkaError, OSError, asyncpg.PostgresError, asyncpg.InterfaceError) as exc:
                    RELAY_FAILURES.labels(self.client_id).inc()
                    log.warning("outbox relay retrying", error=f"{exc.__class__.__name__}: {exc}", retry_in=backoff)
                    await self._drop_connection()
                    await asyncio.sleep(backoff)
                    backoff = min(backoff * 2, 5.0)
                    continue
                if sent < self.batch_size:
                    self._wake.clear()
                    with contextlib.suppress(TimeoutError):
                        await asyncio.wait_for(self._wake.wait(), self.poll_interval_s)
                    await asyncio.sleep(self.linger_s)
        finally:
            await self._drop_connection()
            await self.producer.stop()

    def stop(self) -> None:
        self._stop.set()
        self._wake.set()

    def stopping(self) -> bool:
        return self._stop.is_set()

    async def _connection(self) -> asyncpg.Connection:
        if self._conn is None or self._conn.is_closed():
            self._conn = await asyncpg.connect(self.dsn)
            await self._conn.add_listener(self.channel, lambda *_: self._wake.set())
        return self._conn

    async def _drop_connection(self) -> None:
        if self._conn is not None:
            with contextlib.suppress(Exception):
                await self._conn.close(timeout=2)
            self._conn = None

    def _plain(self, row: Any) -> bytes:
        if not row["encrypted"]:
            return bytes(row["value"])
        assert self.cipher is not None, "encrypted outbox rows need the relay's cipher"
        return self.cipher.decrypt(row["value"], OUTBOX_FIELD).encode()

    async def publish_batch(self) -> int:
        conn = await self._connection()
        rows: list[Any] = await conn.fetch(self._claim_sql, self.batch_size, self.lease_s)
        if not rows:
            return 0
        rows.sort(key=lambda r: r["seq"])  # publish in commit order: one household's events stay ordered
        seqs = [r["seq"] for r in rows]
        assert self.producer is not None
        try:
            futures = [
                await self.producer.send(
                    r["topic"],
                    self._plain(r),
                    key=r["key"].encode() if r["key"] else None,
                    headers=[("content-type", b"application/cloudevents+json")],
                )
                for r in rows
            ]
            await asyncio.gather(*futures)
        except Exception as exc:
            await conn.execute(self._release_sql, seqs, f"{exc.__class__.__name__}: {exc}"[:2000])
            raise
        await conn.execute(self._mark_sql, seqs)
        OUTBOX_PUBLISHED.labels(self.client_id).inc(len(rows))
        # The database's clock on both ends: an operational delay, not a business instant (ADR 0016).
        OUTBOX_LAG.labels(self.client_id).observe(rows[0]["age_s"])
        return len(rows)
