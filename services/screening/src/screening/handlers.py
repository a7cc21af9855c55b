"""Screening's subscriptions: who is registered (from intake's household events) and department records."""

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from common.events.contracts.dept import DEPT_CONTRACTS
from common.events.contracts.intake import HOUSEHOLD_TOPIC, HouseholdRegisteredV1, HouseholdUpdatedV1
from common.events.envelope import BadEvent, Envelope
from common.messaging.consumer import Subscription
from screening.feeds.service import match_waiting, store
from screening.models import KnownHousehold, KnownMember


async def on_household(session: AsyncSession, envelope: Envelope) -> None:
    contract = {c.type: c for c in (HouseholdRegisteredV1, HouseholdUpdatedV1)}.get(envelope.type)
    if contract is None:
        return
    event = envelope.payload(contract)
    current = (
        await session.execute(select(KnownHousehold.version).where(KnownHousehold.household_id == event.household_id))
    ).scalar_one_or_none()
    if current is not None and current >= event.version:
        return  # an older version arriving late changes nothing
    await session.execute(
        insert(KnownHousehold)
        .values(household_id=event.household_id, region_code=event.region_code, version=event.version)
        .on_conflict_do_update(
            index_elements=["household_id"], set_={"region_code": event.region_code, "version": event.version}
        )
    )
    await match_waiting(session, event.household_id, [m.id_index for m in event.members if m.active])
    for m in event.members:
        await session.execute(
            insert(KnownMember)
            .values(member_id=m.member_id, household_id=event.household_id, id_index=m.id_index, active=m.active)
            .on_conflict_do_update(index_elements=["member_id"], set_={"id_index": m.id_index, "active": m.active})
        )


async def on_dept_record(session: AsyncSession, envelope: Envelope) -> None:
    contract = next((c for c in DEPT_CONTRACTS.values() if c.type == envelope.type), None)
    if contract is None:
        raise BadEvent(f"unknown department record type {envelope.type}")
    await store(session, envelope.payload(contract), envelope.id)


SUBSCRIPTIONS = [Subscription(HOUSEHOLD_TOPIC, on_household)] + [
    Subscription(c.topic, on_dept_record) for c in DEPT_CONTRACTS.values()
]
