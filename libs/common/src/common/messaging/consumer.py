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

A poison message never stops a partition: one the dead-letter topic will not take (larger than it accepts,
or refused for good) is kept in the service's `dead_letters` table with its reason, and the consumer goes on.
Only what was applied, dead-lettered or kept is committed, so stopping mid-retry loses nothing; a consumer
held on one batch shows in `/readyz`, in `consumer_busy_seconds` and in its lag against the partitions' ends.
"""

import asyncio
import base64
import contextlib
import hashlib
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, ConsumerRecord, TopicPartition
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
from common.metrics import CONSUMER_BUSY, CONSUMER_LAG, DEAD_LETTERED, DEAD_LETTERS_KEPT, EVENTS_CONSUMED
from common.pii import PiiCipher
from contracts.topics import dlq_of

# Offsets are committed at most this often: what was applied but not yet committed is redelivered after a
# crash, and the inbox makes that a no-op; a commit per batch cost a broker round trip each.
COMMIT_INTERVAL_S = 0.5
# A deadlock or serialization failure says nothing about the message: try again.
RETRYABLE_SQLSTATES = {"40001", "40P01"}
Handler = Callable[[AsyncSession, Envelope], Awaitable[None]]
BatchHandler = Callable[[AsyncSession, list[Envelope]], Awaitable[None]]
DEAD_LETTER_FIELD = "dead_letter"  # the associated data of a kept value's encryption
# Headers and framing around a dead-lettered value: a value within this of the limit is kept instead.
DLQ_OVERHEAD = 16 * 1024


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


def dead_letter_reason(exc: BaseException) -> str:
    """The reason a message's dead letter carries (its `dlq-reason` header)."""
    return str(exc) if isinstance(exc, BadEvent) else f"{exc.__class__.__name__}: {exc}"


async def apply_all(
    subscriptions: dict[str, Subscription], session: AsyncSession, fresh: list[tuple[str, Envelope]]
) -> None:
    """Apply decoded events (topic, envelope) in order in the session: runs of one topic go to its batch handler
    together. The consumer's path, and the in-memory test broker's (devkit.testing.broker)."""
    i = 0
    while i < len(fresh):
        subscription = subscriptions[fresh[i][0]]
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
        dead_letters: Table | None = None,
        cipher: PiiCipher | None = None,
        dlq_max_bytes: int = 16 * 1024**2,
    ) -> None:
        self.db, self.inbox, self.bootstrap, self.group_id = db, inbox, bootstrap, group_id
        self.subscriptions = {s.topic: s for s in subscriptions}
        self.client_id, self.max_batch = client_id, max_batch
        self.dead_letters, self.cipher, self.dlq_max_bytes = dead_letters, cipher, dlq_max_bytes
        self._stop = asyncio.Event()
        self.ready = asyncio.Event()  # set once partitions are assigned (tests wait on it)
        # Per partition: the offset after the last record applied, dead-lettered or kept (what may be committed).
        self._done: dict[TopicPartition, int] = {}
        self._busy: tuple[float, ConsumerRecord] | None = None  # since when, and on which record
        CONSUMER_BUSY.labels(group_id).set_function(self._busy_seconds)

    def stop(self) -> None:
        self._stop.set()

    def stopping(self) -> bool:
        return self._stop.is_set()

    def _busy_seconds(self) -> float:
        return time.monotonic() - self._busy[0] if self._busy is not None else 0.0

    def stalled(self, after_s: float) -> str | None:
        """What holds the consumer, if it has been on one batch longer than `after_s` seconds."""
        if self._busy is None or (held := self._busy_seconds()) < after_s:
            return None
        record = self._busy[1]
        return f"stalled {held:.0f} s at {record.topic}[{record.partition}] offset {record.offset}"

    async def _pause(self, seconds: float) -> None:
        """A back-off that ends at once when the consumer is stopped (SIGTERM must not wait out a retry)."""
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._stop.wait(), seconds)

    async def run(self) -> None:
        consumer = make_consumer(self.bootstrap, self.group_id, list(self.subscriptions), self.client_id)
        dlq = make_producer(self.bootstrap, f"{self.client_id}-dlq", max_request_size=self.dlq_max_bytes)
        await start_with_retry(consumer, f"consumer:{self.group_id}", self._stop)
        await start_with_retry(dlq, f"dlq:{self.group_id}", self._stop)
        uncommitted, committed_at = False, time.monotonic()
        try:
            while not self._stop.is_set():
                batch = await consumer.getmany(timeout_ms=200, max_records=self.max_batch)
                records = [r for rs in batch.values() for r in rs]
                if consumer.assignment():
                    self.ready.set()
                    self._measure_lag(consumer, batch)
                try:
                    await self._process(records, dlq)
                except Exception:
                    if self._stop.is_set():  # stopped mid-retry: the batch stays uncommitted, redelivered later
                        break
                    raise
                if consumer.assignment():
                    self._measure_lag(consumer, {})
                uncommitted = uncommitted or bool(records)
                if uncommitted and time.monotonic() - committed_at >= COMMIT_INTERVAL_S:
                    await self._commit(consumer)
                    uncommitted, committed_at = False, time.monotonic()
        finally:
            if uncommitted:  # what was done, and nothing of a batch cut short by stopping
                await self._commit(consumer)
            await consumer.stop()
            await dlq.stop()

    def _measure_lag(self, consumer: AIOKafkaConsumer, taken: dict[TopicPartition, list[ConsumerRecord]]) -> None:
        """Each partition's lag: its end (the high-water mark the last fetch reported) less the offset after the
        last record done with. A batch not yet done (taken, say, but held by a message that cannot be applied)
        counts as lag, so a held partition never reads 0."""
        # a partition nothing is done of yet: lag from where the batch starts
        starts = {tp: records[0].offset for tp, records in taken.items() if records}
        for tp in consumer.assignment():
            high, position = consumer.highwater(tp), self._done.get(tp, starts.get(tp))
            if high is not None and position is not None:
                CONSUMER_LAG.labels(self.group_id, tp.topic, str(tp.partition)).set(max(high - position, 0))

    async def _commit(self, consumer: AIOKafkaConsumer) -> None:
        assigned = consumer.assignment()
        offsets = {tp: offset for tp, offset in self._done.items() if tp in assigned}
        if not offsets:
            return
        try:
            await consumer.commit(offsets)
        except KafkaError as exc:
            # e.g. a rebalance took the partitions away: the new owner may redeliver, and the inbox makes
            # redelivery a no-op.
            log.warning("offset commit failed", error=f"{exc.__class__.__name__}: {exc}")

    async def _process(self, records: list[ConsumerRecord], dlq: AIOKafkaProducer) -> None:
        if not records:
            return
        self._busy = (time.monotonic(), records[0])
        try:
            await self._process_batch(records, dlq)
        finally:
            self._busy = None

    async def _process_batch(self, records: list[ConsumerRecord], dlq: AIOKafkaProducer) -> None:
        try:
            outcomes = await self._apply_retrying(records)
        except Exception as exc:
            if _transient(exc):  # stopping while the database or broker is away: nothing is lost
                raise
            if len(records) > 1:  # find the poison message: one transaction each
                for record in records:
                    await self._process_batch([record], dlq)
                return
            outcomes = [await self._dead_letter(records[0], dead_letter_reason(exc), dlq)]
        for record, outcome in zip(records, outcomes, strict=True):
            EVENTS_CONSUMED.labels(self.group_id, record.topic, outcome).inc()
            self._done[TopicPartition(record.topic, record.partition)] = record.offset + 1

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
                await self._pause(delay)
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
        await apply_all(self.subscriptions, session, fresh)
        return outcomes

    async def _dead_letter(self, record: ConsumerRecord, reason: str, dlq: AIOKafkaProducer) -> str:
        """Publish the message to its dead-letter topic with the reason; one the topic will not take is kept in
        the dead_letters table. Either way the partition moves on. Answers the outcome for the metrics."""
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
        size = len(record.value or b"") + len(record.key or b"")
        if size + DLQ_OVERHEAD > self.dlq_max_bytes:
            return await self._keep(record, f"{reason}; {size} bytes, over the dead-letter topic's limit")
        delay = 0.2
        while True:  # the offset is not committed until the dead letter is durably written
            try:
                await dlq.send_and_wait(dlq_of(record.topic), record.value, key=record.key, headers=headers)
                DEAD_LETTERED.labels(self.group_id, record.topic).inc()
                return "dead_lettered"
            except KafkaError as exc:
                if not getattr(exc, "retriable", False):  # too large for the broker, a topic refusing writes
                    refused = f"{exc.__class__.__name__}: {exc}"
                    return await self._keep(record, f"{reason}; the dead-letter topic refused it ({refused})")
                if self._stop.is_set():
                    raise  # stopping: the offset stays uncommitted, the message is redelivered
                log.warning("dlq publish retrying", error=str(exc), retry_in=delay)
                await self._pause(delay)
                delay = min(delay * 2, 10.0)

    async def _keep(self, record: ConsumerRecord, reason: str) -> str:
        """Keep in the dead_letters table what the dead-letter topic will not take (once per offset)."""
        if self.dead_letters is None:
            raise RuntimeError(f"no dead_letters table to keep {record.topic}[{record.partition}]@{record.offset}")
        value = record.value or b""
        row = {
            "group_id": self.group_id,
            "topic": record.topic,
            "partition": record.partition,
            "offset": record.offset,
            "key": (record.key or b"").decode("utf-8", "replace")[:200] or None,
            "size": len(value),
            "sha256": hashlib.sha256(value).hexdigest(),
            # It may carry a resident ID in clear: encrypted, or (a service without the key) only its digest.
            "value": self.cipher.encrypt(base64.b64encode(value).decode(), DEAD_LETTER_FIELD) if self.cipher else None,
            "reason": reason[:4000],
            "failed_at": clock.now(),
        }
        delay = 0.2
        while True:
            try:
                async with self.db.transaction() as session:
                    await session.execute(insert(self.dead_letters).values(**row).on_conflict_do_nothing())
                break
            except Exception as exc:
                if not _transient(exc) or self._stop.is_set():
                    raise
                await self._pause(delay)
                delay = min(delay * 2, 10.0)
        log.error("event kept in dead_letters", topic=record.topic, partition=record.partition, offset=record.offset)
        DEAD_LETTERS_KEPT.labels(self.group_id, record.topic).inc()
        return "kept"
