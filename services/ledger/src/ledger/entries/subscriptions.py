"""Ledger subscribes to every topic but its own and records each event once, after validating it.

The log is append-only and can never be purged, so nothing reaches it that its contract does not declare:
an unknown type, a type of another topic, an undeclared field or an invalid value is refused (the consumer
sends it to the DLQ with the reason). What is kept is the contract's own rendering of the validated
payload (its declared fields, nothing else: the allow-list), with identifier fields reduced to their blind
index and anything shaped like a resident ID or a mobile number in free text, or in the subject, replaced by
its keyed pseudonym (common.pii)."""

from collections.abc import Awaitable, Callable
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from common import tracing
from common.events.envelope import BadEvent, Envelope
from common.messaging.consumer import Subscription
from common.pii import normalize_resident_id
from contracts.base import EventContract
from contracts.topics import TOPICS, contract_for
from ledger.crypto import cipher
from ledger.entries import service as log


def recorder(topic: str) -> Callable[[AsyncSession, list[Envelope]], Awaitable[None]]:
    async def record(session: AsyncSession, envelopes: list[Envelope]) -> None:
        """Append a run of events of `topic` to the log."""
        await log.append(session, [entry(topic, envelope) for envelope in envelopes])

    return record


def entry(topic: str, envelope: Envelope) -> dict[str, Any]:
    contract = contract_for(topic, envelope.type)
    if contract is None:
        raise BadEvent(f"{envelope.type!r} is not an event type of {topic}")
    payload = envelope.payload(contract)  # raises BadEvent naming the fields, never their values
    return {
        "source": envelope.source,
        "event_id": envelope.id,
        "topic": topic,
        "type": envelope.type,
        # A producer's subject is its key: a department keys by its record id, which may be an ID number.
        "subject": cipher.pseudonymize(envelope.subject),
        "time": envelope.time,
        "data": kept(payload),
        "trace_id": tracing.trace_id_of(envelope.traceparent),
    }


def kept(payload: EventContract) -> dict[str, Any]:
    """What the ledger may keep of a validated payload: its declared fields in their JSON form; an
    identifier as its blind index (still matchable against a household's members, nothing readable)."""
    data = _scrub(payload.model_dump(mode="json", exclude=set(payload.pii_fields)))
    for name in payload.pii_fields:
        value = getattr(payload, name)
        data[name] = None if value is None else {"blind_index": cipher.blind_index(normalize(str(value)), name)}
    return data


def _scrub(value: Any) -> Any:
    if isinstance(value, str):
        return cipher.pseudonymize(value)
    if isinstance(value, dict):
        return {k: _scrub(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_scrub(v) for v in value]
    return value


def normalize(value: str) -> str:
    try:
        return normalize_resident_id(value)
    except ValueError:
        return value.strip().upper()


SUBSCRIPTIONS = [Subscription(t.name, batch_handler=recorder(t.name)) for t in TOPICS.values() if t.owner != "ledger"]
