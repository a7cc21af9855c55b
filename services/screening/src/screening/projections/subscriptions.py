"""Households, income and approved cases from intake, kept as screening's projections; each change of a
household's data re-evaluates its rules."""

import uuid

from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from common.db import upsert_newer
from common.events.envelope import BadEvent
from contracts.assistance import EliminationApprovedV1
from contracts.intake import (
    CaseEventBase,
    HouseholdIncomeRecordedV1,
    HouseholdRegisteredV1,
    HouseholdUpdatedV1,
)
from screening.feeds.service import match_waiting
from screening.policies.service import forget_gaps
from screening.projections.models import KnownElimination, KnownHousehold, KnownIncome, KnownMember, MonitoredHousehold


async def on_household(
    session: AsyncSession, event: HouseholdRegisteredV1 | HouseholdUpdatedV1
) -> list[uuid.UUID] | None:
    if isinstance(event, HouseholdRegisteredV1):
        forget_gaps()  # perhaps the first household of a county: its policy gap is news
    members = [m.model_dump(mode="json", exclude={"member_id"}) for m in event.members]
    values = {"region_code": event.region_code, "version": event.version, "members": members}
    if not await upsert_newer(
        session, KnownHousehold, {"household_id": event.household_id}, values, KnownHousehold.version
    ):
        return None  # an older version arriving late changes nothing
    for m in event.members:
        await session.execute(
            insert(KnownMember)
            .values(member_id=m.member_id, household_id=event.household_id, id_index=m.id_index, active=m.active)
            .on_conflict_do_update(index_elements=["member_id"], set_={"id_index": m.id_index, "active": m.active})
        )
    await match_waiting(session, event.household_id, [m.id_index for m in event.members if m.active])
    return [event.household_id]


async def on_income(session: AsyncSession, event: HouseholdIncomeRecordedV1) -> list[uuid.UUID]:
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
    return [event.household_id]


async def on_case_approved(session: AsyncSession, event: CaseEventBase) -> None:
    """The household is monitored from its latest approval on (a re-entry after an elimination starts a new
    episode; an older approval arriving late changes nothing)."""
    stmt = insert(MonitoredHousehold).values(
        household_id=event.household_id,
        region_code=event.region_code,
        case_id=event.case_id,
        since=event.occurred_at,
    )
    await session.execute(
        stmt.on_conflict_do_update(
            index_elements=["household_id"],
            set_={"case_id": event.case_id, "since": event.occurred_at},
            where=MonitoredHousehold.since < stmt.excluded.since,
        )
    )


async def on_eliminated(session: AsyncSession, event: EliminationApprovedV1) -> None:
    """The county approved the elimination of the household's risk: kept, so that the household leaves the
    monitored share unless approved again later (projections.models.monitored_now)."""
    await session.execute(
        insert(KnownElimination)
        .values(elimination_id=event.elimination_id, household_id=event.household_id, occurred_at=event.occurred_at)
        .on_conflict_do_nothing()
    )
