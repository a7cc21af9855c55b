"""Ledger subscribes to every topic in the registry and records each event once."""

from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from common.events.envelope import Envelope
from common.events.topics import TOPICS
from common.messaging.consumer import Subscription
from ledger.models import Entry


async def record(session: AsyncSession, envelope: Envelope) -> None:
    await session.execute(
        insert(Entry)
        .values(
            source=envelope.source,
            event_id=envelope.id,
            topic=_topic_of(envelope),
            type=envelope.type,
            subject=envelope.subject,
            time=envelope.time,
            data=envelope.data,
        )
        .on_conflict_do_nothing()
    )


def _topic_of(envelope: Envelope) -> str:
    return next((t.name for t in TOPICS.values() if any(c.type == envelope.type for c in t.contracts)), "unknown")


SUBSCRIPTIONS = [Subscription(topic, record) for topic in TOPICS]
