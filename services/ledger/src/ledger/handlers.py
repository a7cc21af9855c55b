"""Ledger subscribes to every topic in the registry and records each event once."""

from typing import Any

from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from common.events.envelope import Envelope
from common.events.topics import CONTRACTS_BY_TYPE, TOPICS
from common.messaging.consumer import Subscription
from common.pii import normalize_resident_id
from ledger.crypto import cipher
from ledger.models import Entry


async def record(session: AsyncSession, envelope: Envelope) -> None:
    contract = CONTRACTS_BY_TYPE.get(envelope.type)
    topic = contract.topic if contract else "unknown"
    data = redact(envelope.data, contract.pii_fields if contract else ())
    await session.execute(
        insert(Entry)
        .values(
            source=envelope.source,
            event_id=envelope.id,
            topic=topic,
            type=envelope.type,
            subject=envelope.subject,
            time=envelope.time,
            data=data,
        )
        .on_conflict_do_nothing()
    )


def redact(data: dict[str, Any], fields: tuple[str, ...]) -> dict[str, Any]:
    """The ledger keeps the blind index of an identifier, never the identifier: it can still be matched
    against a household's members, and nothing readable is at rest."""
    if not any(f in data for f in fields):
        return data
    return {
        k: ({"blind_index": cipher.blind_index(normalize(str(v)), k)} if k in fields else v) for k, v in data.items()
    }


def normalize(value: str) -> str:
    try:
        return normalize_resident_id(value)
    except ValueError:
        return value.strip().upper()


SUBSCRIPTIONS = [Subscription(topic, record) for topic in TOPICS]
