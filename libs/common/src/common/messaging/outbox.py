"""Transactional outbox: an event is a row written in the same transaction as the state change.

A service's outbox declares the topics it writes (with those its writers, such as the access audit, add):
that declaration is what the service produces, for its readiness, the README and the AsyncAPI document, and
a row for any other topic is refused, so the declaration cannot drift from what the code writes."""

import uuid
from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import MetaData, insert
from sqlalchemy.ext.asyncio import AsyncSession

from common.events.envelope import encoded
from common.messaging.tables import outbox_table
from common.pii import PiiCipher
from contracts.base import EventContract

OUTBOX_FIELD = "outbox"  # associated data of encrypted outbox values


class UndeclaredTopic(RuntimeError):
    """A writer added an event of a topic its service's outbox does not declare (a programming error)."""


class Outbox:
    def __init__(self, metadata: MetaData, source: str, topics: Iterable[str]) -> None:
        self.table = outbox_table(metadata)
        self.source = source
        self.topics: dict[str, None] = dict.fromkeys(topics)  # ordered: the order they are listed in
        self.cipher: PiiCipher | None = None  # set by the app: needed only for sensitive events
        self.channel = f"outbox_{metadata.schema}"  # the migration's trigger notifies it (outbox_notify_ddl)

    def declare(self, topic: str) -> None:
        """A writer shared by every service (the access audit) adds the topic it writes."""
        self.topics.setdefault(topic, None)

    async def add(self, session: AsyncSession, payload: EventContract, *, subject: str | uuid.UUID) -> uuid.UUID:
        row = self.row(payload, subject)
        await session.execute(insert(self.table).values(**row))
        return row["event_id"]

    async def add_many(self, session: AsyncSession, events: Sequence[tuple[EventContract, str | uuid.UUID]]) -> None:
        """Many events in one statement (work done in batches publishes in batches)."""
        if events:
            await session.execute(insert(self.table), [self.row(payload, subject) for payload, subject in events])

    def row(self, payload: EventContract, subject: str | uuid.UUID) -> dict[str, Any]:
        """The outbox row of an event, for writers that insert rows themselves (COPY)."""
        if payload.topic not in self.topics:
            raise UndeclaredTopic(f"{self.source}'s outbox does not declare {payload.topic} ({payload.type})")
        event_id, value = encoded(payload, source=self.source, subject=subject)
        encrypted = bool(payload.pii_fields)
        if encrypted:  # never a plaintext identifier at rest, not even for the moments before the relay runs
            assert self.cipher is not None, "an outbox carrying personal data needs its cipher"
            value = self.cipher.encrypt(value.decode(), OUTBOX_FIELD)
        return {
            "event_id": event_id,
            "topic": payload.topic,
            "key": str(subject),
            "value": value,
            "encrypted": encrypted,
        }
