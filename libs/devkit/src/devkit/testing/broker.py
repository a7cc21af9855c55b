"""An in-memory test broker for a service's subscriptions (after faststream's `TestKafkaBroker`): an event is
delivered to the subscription's handler through the consumer's own path (decode and validate, route runs of a
topic to the batch handler, the dead-letter reason), without Kafka and without a database, so `make test-fast`
covers what the handlers decide.

What it cannot cover, and `make test` (the embedded broker and PostgreSQL) does: partitions, offsets, the inbox
(a redelivered event is a no-op), the transaction, and everything a handler does once it reaches the database.
The session the handlers get is a real SQLAlchemy session bound to nothing: the first statement a handler sends
stops the delivery, and the delivery says so (`needs_database`) and shows that statement, so a test sees how far
the handler's logic got and what it was about to ask.

    broker = TestBroker(SUBSCRIPTIONS)
    delivered = await broker.publish(AlertConfirmedV1(...), subject=household_id)
    assert delivered.outcome == "dead_lettered" and "resident_id" in delivered.reason
"""

import json
import uuid
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import event
from sqlalchemy.exc import UnboundExecutionError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import ORMExecuteState

from common.db import run_before_commit
from common.events.envelope import Envelope, decode, encoded
from common.messaging.consumer import Subscription, apply_all, dead_letter_reason
from common.messaging.subscribe import observed
from contracts.base import EventContract


@dataclass
class Delivery:
    """What became of one delivery: `applied` (the handlers ran to the end, or the topic's service skips the
    type), `dead_lettered` (with the reason the dead letter carries), or `needs_database` (the handlers' logic
    ran until `statement`, the first one sent)."""

    outcome: str = "applied"
    reason: str | None = None
    calls: list[tuple[str, Any]] = field(default_factory=list)  # (handler, what it was given), in order
    statement: Any = None
    parameters: Any = None

    def called(self, handler: str) -> list[Any]:
        """What the handlers named `handler` (a qualified name's last part) were given."""
        return [given for name, given in self.calls if name.rsplit(".", 1)[-1] == handler]


def message(payload: EventContract, subject: str | uuid.UUID, type: str | None = None, **data: Any) -> bytes:
    """The bytes an outbox would send for `payload`, with its type or data fields changed (None: removed), as a
    sender that does not hold to the contract might send them."""
    envelope = json.loads(encoded(payload, source="test-broker", subject=subject)[1])
    envelope["type"] = type or envelope["type"]
    envelope["data"] = {k: v for k, v in {**envelope["data"], **data}.items() if v is not None}
    return json.dumps(envelope).encode()


class TestBroker:
    """A service's subscriptions, each message handed to them in memory."""

    __test__ = False  # not a test class, for pytest

    def __init__(self, subscriptions: list[Subscription], source: str = "test-broker") -> None:
        self.subscriptions = subscriptions
        self.source = source

    async def publish(self, *events: EventContract, subject: str | uuid.UUID) -> Delivery:
        """Events as a service's outbox encodes them, delivered together (one fetched batch)."""
        topics = {e.topic for e in events}
        assert len(topics) == 1, "one topic per delivery"
        values = [encoded(e, source=self.source, subject=subject)[1] for e in events]
        return await self.publish_raw(topics.pop(), *values, key=str(subject).encode())

    async def publish_raw(self, topic: str, *values: bytes | None, key: bytes | None = None) -> Delivery:
        """Messages as a department system might send them, bytes and all."""
        delivery = Delivery()
        subscribed = {s.topic: s for s in self.subscriptions}
        if topic not in subscribed:
            raise LookupError(f"no subscription to {topic}")
        watched = observed(subscribed[topic], lambda name, given: delivery.calls.append((name, given)))
        session = AsyncSession()  # bound to nothing: the first statement raises UnboundExecutionError

        @event.listens_for(session.sync_session, "do_orm_execute")
        def first(state: ORMExecuteState) -> None:
            if delivery.statement is None:
                delivery.statement, delivery.parameters = state.statement, state.parameters

        try:
            envelopes: list[Envelope] = [decode(v, key) for v in values]
            await apply_all({topic: watched}, session, [(topic, e) for e in envelopes])
            await run_before_commit(session)  # `then`, as the consumer's transaction runs it before commit
        except UnboundExecutionError:
            delivery.outcome = "needs_database"
        except Exception as exc:  # what the consumer would send to the dead-letter topic
            delivery.outcome, delivery.reason = "dead_lettered", dead_letter_reason(exc)
        finally:
            await session.close()
        return delivery
