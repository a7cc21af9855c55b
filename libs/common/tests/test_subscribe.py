"""Subscribing by contract (no database: a session that is never bound to one carries the transaction's
pending work the same way)."""

import uuid
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from common import clock
from common.db import run_before_commit
from common.events.envelope import BadEvent, Envelope
from common.messaging.subscribe import On, Received, subscribe
from contracts.intake import ConsentRevokedV1, ConsentSignedV1

H1, H2 = uuid.uuid4(), uuid.uuid4()


def envelope(type_: str, data: dict[str, Any]) -> Envelope:
    return Envelope(str(uuid.uuid4()), "/t", type_, str(H1), clock.now(), data)


def signed(household: uuid.UUID) -> Envelope:
    data = {
        "consent_id": str(uuid.uuid4()),
        "household_id": str(household),
        "region_code": "532504102001",
        "scopes": ["asset_check"],
        "signed_at": "2026-11-01T08:00:00+08:00",
        "expires_at": "2027-11-01",
    }
    return envelope(ConsentSignedV1.type, data)


async def test_typed_events_in_the_households_they_name_judged_once_before_commit() -> None:
    seen: list[Any] = []
    judged: list[set[uuid.UUID]] = []

    async def on_signed(session: AsyncSession, event: ConsentSignedV1) -> list[uuid.UUID]:
        seen.append(event)
        return [event.household_id]

    async def judge(session: AsyncSession, households: set[uuid.UUID]) -> None:
        judged.append(households)

    (subscription,) = subscribe(On(ConsentSignedV1, on_signed), then=judge)
    assert subscription.batch_handler is not None
    session = AsyncSession()
    await subscription.batch_handler(session, [signed(H1), signed(H2), signed(H1)])
    assert all(isinstance(e, ConsentSignedV1) for e in seen) and len(seen) == 3
    assert judged == []  # not before the transaction ends
    await run_before_commit(session)
    assert judged == [{H1, H2}]


async def test_other_types_are_skipped_and_strict_topics_refuse_unknown_ones() -> None:
    async def on_revoked(session: AsyncSession, event: ConsentRevokedV1) -> None:
        raise AssertionError("not a revocation")

    (lenient,) = subscribe(On(ConsentRevokedV1, on_revoked))
    (strict,) = subscribe(On(ConsentRevokedV1, on_revoked), strict=True)
    assert lenient.batch_handler and strict.batch_handler
    await lenient.batch_handler(AsyncSession(), [signed(H1), envelope("intake.consent.exploded", {})])
    await strict.batch_handler(AsyncSession(), [signed(H1)])  # a contract of the topic, not ours: skipped
    with pytest.raises(BadEvent, match="not an event type"):
        await strict.batch_handler(AsyncSession(), [envelope("intake.consent.exploded", {})])


async def test_a_batch_handler_gets_runs_of_its_type_with_their_envelopes() -> None:
    runs: list[list[str]] = []

    async def on_signed(session: AsyncSession, received: list[Received[ConsentSignedV1]]) -> None:
        runs.append([r.envelope.id for r in received])

    (subscription,) = subscribe(On(ConsentSignedV1, batch=on_signed))
    events = [signed(H1), signed(H2), envelope("intake.consent.revoked", {}), signed(H1)]
    assert subscription.batch_handler
    await subscription.batch_handler(AsyncSession(), events)
    assert runs == [[events[0].id, events[1].id], [events[3].id]]


def test_a_contract_subscribed_twice_or_without_a_handler_is_refused() -> None:
    async def noop(session: AsyncSession, event: Any) -> None: ...

    with pytest.raises(ValueError):
        subscribe(On(ConsentSignedV1, noop), On(ConsentSignedV1, noop))
    with pytest.raises(ValueError):
        On(ConsentSignedV1)
