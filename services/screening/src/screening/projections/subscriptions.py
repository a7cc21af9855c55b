"""Households, income and approved cases from intake, kept as screening's projections; each change of a
household's data re-evaluates its rules."""

from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from common.db import upsert_newer
from common.events.contracts.intake import (
    CaseApprovedV1,
    HouseholdIncomeRecordedV1,
    HouseholdRegisteredV1,
    HouseholdUpdatedV1,
)
from common.events.envelope import BadEvent, Envelope
from screening.alerts.service import household_changed
from screening.feeds.service import match_waiting
from screening.projections.models import KnownHousehold, KnownIncome, KnownMember, MonitoredHousehold


async def on_household(session: AsyncSession, envelope: Envelope) -> None:
    if envelope.type == HouseholdIncomeRecordedV1.type:
        await on_income(session, envelope.payload(HouseholdIncomeRecordedV1))
        return
    contract = {c.type: c for c in (HouseholdRegisteredV1, HouseholdUpdatedV1)}.get(envelope.type)
    if contract is None:
        return
    event = envelope.payload(contract)
    members = [m.model_dump(mode="json", exclude={"member_id"}) for m in event.members]
    values = {"region_code": event.region_code, "version": event.version, "members": members}
    if not await upsert_newer(
        session, KnownHousehold, {"household_id": event.household_id}, values, KnownHousehold.version
    ):
        return  # an older version arriving late changes nothing
    for m in event.members:
        await session.execute(
            insert(KnownMember)
            .values(member_id=m.member_id, household_id=event.household_id, id_index=m.id_index, active=m.active)
            .on_conflict_do_update(index_elements=["member_id"], set_={"id_index": m.id_index, "active": m.active})
        )
    await match_waiting(session, event.household_id, [m.id_index for m in event.members if m.active])
    household_changed(session, event.household_id)


async def on_income(session: AsyncSession, event: HouseholdIncomeRecordedV1) -> None:
    if await session.get(KnownHousehold, event.household_id) is None:
        raise BadEvent(f"income for unknown household {event.household_id}")  # its registration comes first
    values = {
        "revision": event.revision,
        "members_count": event.members_count,
        "total_income": event.total_income(),
        "per_capita_net_income": event.per_capita_net_income,
        "rigid_expense": event.rigid_expense(),
    }
    key = {"household_id": event.household_id, "year": event.year}
    await upsert_newer(session, KnownIncome, key, values, KnownIncome.revision)
    household_changed(session, event.household_id)


async def on_case(session: AsyncSession, envelope: Envelope) -> None:
    if envelope.type != CaseApprovedV1.type:
        return
    event = envelope.payload(CaseApprovedV1)
    await session.execute(
        insert(MonitoredHousehold)
        .values(
            household_id=event.household_id,
            region_code=event.region_code,
            case_id=event.case_id,
            since=event.occurred_at,
        )
        .on_conflict_do_nothing()
    )
