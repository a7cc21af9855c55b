"""Ledger subscribes to every topic in the registry and records each event once."""

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from common.events.envelope import Envelope
from common.events.topics import CONTRACTS_BY_TYPE, TOPICS
from common.messaging.consumer import Subscription
from common.pii import normalize_resident_id
from ledger import log
from ledger.crypto import cipher


async def record(session: AsyncSession, envelopes: list[Envelope]) -> None:
    """Append a run of events to the log (their personal identifiers reduced to blind indexes)."""
    events = []
    for envelope in envelopes:
        contract = CONTRACTS_BY_TYPE.get(envelope.type)
        events.append(
            {
                "source": envelope.source,
                "event_id": envelope.id,
                "topic": contract.topic if contract else "unknown",
                "type": envelope.type,
                "subject": envelope.subject,
                "time": envelope.time,
                "data": redact(envelope.data, contract.pii_fields if contract else ()),
            }
        )
    await log.append(session, events)


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


SUBSCRIPTIONS = [Subscription(topic, batch_handler=record) for topic in TOPICS]
