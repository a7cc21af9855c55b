"""Idempotent consumers with a dead-letter topic.

For each message: decode and validate; in one transaction insert the inbox row (source, event id) and
run the handler; commit; only then commit the Kafka offset. A redelivered event finds its inbox row and
is a no-op. A message that cannot be decoded or that the handler rejects goes to `<topic>.dlq` with the
reason in headers, and the consumer goes on. Infrastructure failures (database or broker down) are not
the message's fault: they are retried, and the offset is not committed until the message is handled.
"""

import asyncio
import datetime as dt
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from aiokafka import AIOKafkaProducer, ConsumerRecord
from aiokafka.errors import KafkaError
from sqlalchemy import Table
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError
from sqlalchemy.ext.asyncio import AsyncSession

from common.db import Database
from common.events.envelope import BadEvent, Envelope, decode
from common.events.topics import dlq_of
from common.logging import log
from common.messaging.kafka import make_consumer, make_producer, start_with_retry
from common.metrics import EVENTS_CONSUMED

Handler = Callable[[AsyncSession, Envelope], Awaitable[None]]


@dataclass(frozen=True)
class Subscription:
    topic: str
    handler: Handler


def _transient(exc: BaseException) -> bool:
    if isinstance(exc, OperationalError | InterfaceError):
        return True
    if isinstance(exc, DBAPIError) and exc.connection_invalidated:
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
    ) -> None:
        self.db, self.inbox, self.bootstrap, self.group_id = db, inbox, bootstrap, group_id
        self.handlers = {s.topic: s.handler for s in subscriptions}
        self.client_id = client_id
        self._stop = asyncio.Event()
        self.ready = asyncio.Event()  # set once partitions are assigned (tests wait on it)

    def stop(self) -> None:
        self._stop.set()

    def stopping(self) -> bool:
        return self._stop.is_set()

    async def run(self) -> None:
        consumer = make_consumer(self.bootstrap, self.group_id, list(self.handlers), self.client_id)
        dlq = make_producer(self.bootstrap, f"{self.client_id}-dlq")
        await start_with_retry(consumer, f"consumer:{self.group_id}", self._stop)
        await start_with_retry(dlq, f"dlq:{self.group_id}", self._stop)
        try:
            while not self._stop.is_set():
                batch = await consumer.getmany(timeout_ms=200, max_records=500)
                if consumer.assignment():
                    self.ready.set()
                for records in batch.values():
                    for record in records:
                        await self._process(record, dlq)
                if batch:
                    try:
                        await consumer.commit()
                    except KafkaError as exc:
                        # e.g. a rebalance took the partitions away: the new owner may redeliver, and the
                        # inbox makes redelivery a no-op.
                        log.warning("offset commit failed", error=f"{exc.__class__.__name__}: {exc}")
        finally:
            await consumer.stop()
            await dlq.stop()

    async def _process(self, record: ConsumerRecord, dlq: AIOKafkaProducer) -> None:
        delay = 0.2
        while True:
            try:
                outcome = await self._apply(record)
                EVENTS_CONSUMED.labels(self.group_id, record.topic, outcome).inc()
                return
            except BadEvent as exc:
                reason = str(exc)
            except Exception as exc:
                if _transient(exc) and not self._stop.is_set():
                    log.warning(
                        "consumer retrying",
                        topic=record.topic,
                        offset=record.offset,
                        error=exc.__class__.__name__,
                        retry_in=delay,
                    )
                    await asyncio.sleep(delay)
                    delay = min(delay * 2, 10.0)
                    continue
                if _transient(exc):
                    raise
                reason = f"{exc.__class__.__name__}: {exc}"
            await self._dead_letter(record, reason, dlq)
            EVENTS_CONSUMED.labels(self.group_id, record.topic, "dead_lettered").inc()
            return

    async def _apply(self, record: ConsumerRecord) -> str:
        envelope = decode(record.value, record.key)
        async with self.db.transaction() as session:
            inserted = await session.execute(
                insert(self.inbox)
                .values(source=envelope.source, event_id=envelope.id, topic=record.topic)
                .on_conflict_do_nothing()
                .returning(self.inbox.c.event_id)
            )
            if inserted.first() is None:
                return "duplicate"
            await self.handlers[record.topic](session, envelope)
        return "applied"

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
            ("dlq-failed-at", dt.datetime.now(dt.UTC).isoformat().encode()),
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
