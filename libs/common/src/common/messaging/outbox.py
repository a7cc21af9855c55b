"""Transactional outbox: an event is a row written in the same transaction as the state change."""

import uuid

from sqlalchemy import MetaData, insert
from sqlalchemy.ext.asyncio import AsyncSession

from common.events.envelope import EventContract, encode, new_envelope
from common.messaging.tables import outbox_table


class Outbox:
    def __init__(self, metadata: MetaData, source: str) -> None:
        self.table = outbox_table(metadata)
        self.source = source
        self.channel = f"outbox_{metadata.schema}"  # the migration's trigger notifies it (outbox_notify_ddl)

    async def add(self, session: AsyncSession, payload: EventContract, *, subject: str | uuid.UUID) -> uuid.UUID:
        event = new_envelope(payload, source=self.source, subject=subject)
        message = encode(event)
        event_id = uuid.UUID(event.get_id())
        await session.execute(
            insert(self.table).values(event_id=event_id, topic=payload.topic, key=str(subject), value=message.value)
        )
        return event_id
