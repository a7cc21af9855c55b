"""Idempotent consumers with a dead-letter topic.

For each message: decode and validate; in one transaction insert the inbox row (source, event id) and
run the handler; commit; only then (at most every COMMIT_INTERVAL_S) commit the Kafka offset. A
redelivered event finds its inbox row and is a no-op. A message that cannot be decoded or that the
handler rejects goes to `<topic>.dlq` with the reason in headers, and the consumer goes on. Infrastructure
failures (database or broker down) are not the message's fault: they are retried, and the offset is not
committed until the message is handled.

Messages are applied a fetched batch per transaction (one commit, and the handlers' before-commit work
done once, for up to `max_batch` events). When a handler rejects one of them, the batch is rolled back
and applied again one message per transaction, so the poison message alone goes to the DLQ.
"""

import asyncio
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, ConsumerRecord
from aiokafka.errors import KafkaError
from sqlalchemy import Table
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError
from sqlalchemy.ext.asyncio import AsyncSession

from common import clock, tracing
from common.db import Database
from common.events.envelope import BadEvent, Envelope, decode
from common.logging import log
from common.messaging.kafka import make_consumer, make_producer, start_with_retry
from common.metrics import CONSUMER_LAG, DEAD_LETTERED, EVENTS_CONSUMED
from contracts.topics import dlq_of

# Offsets are committed at most this often: what was applied but not yet committed is redelivered after a
# crash, and the inbox makes that a no-op; a commit per batch cost a broker round trip each.
COMMIT_INTERVAL_S = 0.5
# A deadlock or serialization failure says nothing about the message: try again.
RETRYABLE_SQLSTATES = {"40001", "40P01"}
Handler = Callable[[AsyncSession, Envelope], Awaitable[None]]
BatchHandler = Callable[[AsyncSession, list[Envelope]], Awaitable[None]]


@dataclass(frozen=True)
class Subscription:
    """A topic and what applies its events: one at a time, or (for high-volume feeds) a run of consecutive
    events of the topic at once, in set-based statements. A batch handler must mean the same as applying
    the events one by one in order."""

    topic: str
    handler: Handler | None = None
    batch_handler: BatchHandler | None = None

    def __post_init__(self) -> None:
        if (self.handler is None) == (self.batch_handler is None):
            raise ValueError("a subscription has exactly one of handler and batch_handler")


def _transient(exc: BaseException) -> bool:
    if isinstance(exc, OperationalError | InterfaceError):
        return True
    if isinstance(exc, DBAPIError) and (
        exc.connection_invalidated or getattr(exc.orig, "sqlstate", None) in RETRYABLE_SQLSTATES
    ):
        return True
    return isinstance(exc, OSError | TimeoutError | KafkaError)


class ConsumerRunner:
    def __init__(
        self,
        db: Database,
        inbox: Table,
        bootstrap: str,
        group_id: str,
        subscriptions: list[Subscription],
        client_id: str = "consumer",
        max_batch: int = 500,
    ) -> None:
        self.db, self.inbox, self.bootstrap, self.group_id = db, inbox, bootstrap, group_id
        self.subscriptions = {s.topic: s for s in subscriptions}
        self.client_id, self.max_batch = client_id, max_batch
        self._stop = asyncio.Event()
        self.ready = asyncio.Event()  # set once partitions are assigned (tests wait on it)
        self._next: dict[Any, int] = {}  # per partition: the offset after the last record taken

    def stop(self) -> None:
        self._stop.set()

    def stopping(self) -> bool:
        return self._stop.is_set()

    async def run(self) -> None:
        consumer = make_consumer(self.bootstrap, self.group_id, list(self.subscriptions), self.client_id)
        dlq = make_producer(self.bootstrap, f"{self.client_id}-dlq")
        await start_with_retry(consumer, f"consumer:{self.group_id}", self._stop)
        await start_with_retry(dlq, f"dlq:{self.group_id}", self._stop)
        uncommitted, committed_at = False, time.monotonic()
        try:
            while not self._stop.is_set():
                batch = await consumer.getmany(timeout_ms=200, max_records=self.max_batch)
                if consumer.assignment():
                    self.ready.set()
                    self._measure_lag(consumer, batch)
                await self._process_batch([r for records in batch.values() for r in records], dlq)
                uncommitted = uncommitted or bool(batch)
                if uncommitted and time.monotonic() - committed_at >= COMMIT_INTERVAL_S:
                    await self._commit(consumer)
                    uncommitted, committed_at = False, time.monotonic()
        finally:
            if uncommitted:
                await self._commit(consumer)
            await consumer.stop()
            await dlq.stop()

    def _measure_lag(self, consumer: AIOKafkaConsumer, batch: dict[Any, list[ConsumerRecord]]) -> None:
        """Each partition's lag: its high-water mark (as the last fetch reported it) less the offset after the
        last record this member took from it."""
        for tp, records in batch.items():
            if records:
                self._next[tp] = records[-1].offset + 1
        for tp in consumer.assignment():
            high, position = consumer.highwater(tp), self._next.get(tp)
            if high is not None and position is not None:
                CONSUMER_LAG.labels(self.group_id, tp.topic, str(tp.partition)).set(max(high - position, 0))

    @staticmethod
    async def _commit(consumer: AIOKafkaConsumer) -> None:
        try:
            await consumer.commit()
        except KafkaError as exc:
            # e.g. a rebalance took the partitions away: the new owner may redeliver, and the inbox makes
            # redelivery a no-op.
            log.warning("offset commit failed", error=f"{exc.__class__.__name__}: {exc}")

    async def _process_batch(self, records: list[ConsumerRecord], dlq: AIOKafkaProducer) -> None:
        if not records:
            return
        try:
            outcomes = await self._apply_retrying(records)
        except Exception as exc:
            if _transient(exc):  # stopping while the database or broker is away: nothing is lost
                raise
            if len(records) > 1:  # find the poison message: one transaction each
                for record in records:
                    await self._process_batch([record], dlq)
                return
            reason = str(exc) if isinstance(exc, BadEvent) else f"{exc.__class__.__name__}: {exc}"
            await self._dead_letter(records[0], reason, dlq)
            DEAD_LETTERED.labels(self.group_id, records[0].topic).inc()
            outcomes = ["dead_lettered"]
        for record, outcome in zip(records, outcomes, strict=True):
            EVENTS_CONSUMED.labels(self.group_id, record.topic, outcome).inc()

    async def _apply_retrying(self, records: list[ConsumerRecord]) -> list[str]:
        """Apply in one transaction; infrastructure failures are retried with backoff until stopped."""
        delay = 0.2
        while True:
            try:
                async with self.db.transaction() as session:
                    return await self._apply_in(session, records)
            except Exception as exc:
                if not _transient(exc) or self._stop.is_set():
                    raise
                log.warning(
                    "consumer retrying",
                    topic=records[0].topic,
                    offset=records[0].offset,
                    size=len(records),
                    error=exc.__class__.__name__,
                    retry_in=delay,
                )
                await asyncio.sleep(delay)
                delay = min(delay * 2, 10.0)

    async def _apply_in(self, session: AsyncSession, records: list[ConsumerRecord]) -> list[str]:
        """Apply records in order in the session: "applied", or "duplicate" when the inbox has seen the event
        (in an earlier transaction or earlier in this batch)."""
        envelopes = [decode(r.value, r.key) for r in records]
        stored = {
            (row.source, row.event_id)
            for row in await session.execute(
                insert(self.inbox).on_conflict_do_nothing().returning(self.inbox.c.source, self.inbox.c.event_id),
                [
                    {"source": e.source, "event_id": e.id, "topic": r.topic}
                    for r, e in zip(records, envelopes, strict=True)
                ],
            )
        }
        outcomes, fresh = [], []
        for record, envelope in zip(records, envelopes, strict=True):
            if (envelope.source, envelope.id) in stored:
                stored.discard((envelope.source, envelope.id))  # a second copy in the batch is a duplicate
                outcomes.append("applied")
                fresh.append((record.topic, envelope))
            else:
                outcomes.append("duplicate")
        i = 0
        while i < len(fresh):  # runs of one topic go to its batch handler together, in order
            subscription = self.subscriptions[fresh[i][0]]
            if subscription.batch_handler is not None:
                j = i
                while j < len(fresh) and fresh[j][0] == subscription.topic:
                    j += 1
                run = [e for _, e in fresh[i:j]]
                with tracing.consumer_span(f"apply {len(run)} of {subscription.topic}", [e.traceparent for e in run]):
                    await subscription.batch_handler(session, run)
                i = j
            else:
                assert subscription.handler is not None
                envelope = fresh[i][1]
                with tracing.consumer_span(f"apply {envelope.type}", [envelope.traceparent]):
                    await subscription.handler(session, envelope)
                i += 1
        return outcomes

    async def _dead_letter(self, record: ConsumerRecord, reason: str, dlq: AIOKafkaProducer) -> None:
        log.warning(
            "event dead-lettered",
            topic=record.topic,
            partition=record.partition,
            offset=record.offset,
            reason=reason[:500],
        )
        headers = [
            ("dlq-reason", reason[:4000].encode()),
            ("dlq-original-topic", record.topic.encode()),
            ("dlq-original-partition", str(record.partition).encode()),
            ("dlq-original-offset", str(record.offset).encode()),
            ("dlq-consumer-group", self.group_id.encode()),
            ("dlq-failed-at", clock.now().isoformat().encode()),
        ]
        delay = 0.2
        while True:  # the offset is not committed until the dead letter is durably written
            try:
                await dlq.send_and_wait(dlq_of(record.topic), record.value, key=record.key, headers=headers)
                return
            except KafkaError as exc:
                log.warning("dlq publish retrying", error=str(exc))
                await asyncio.sleep(delay)
                delay = min(delay * 2, 10.0)
