"""Households, income and approved cases from intake, kept as screening's projections; each change of a
household's data re-evaluates its rules."""

import datetime as dt
import uuid

from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from common import clock
from common.db import upsert_newer
from common.events.envelope import BadEvent
from contracts.assistance import EliminationApprovedV1
from contracts.intake import (
    CaseEventBase,
    CaseImportedV1,
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
    await _monitored(session, event, event.occurred_at)


async def on_case_imported(session: AsyncSession, event: CaseImportedV1) -> None:
    """A case brought in from the national system counts from the day that system identified it, and its
    elimination, if any, from the day it was eliminated: the monitored share counts it as that system did."""
    await _monitored(session, event, _start_of(event.history.identified_on))
    if event.history.eliminated_on is not None:
        await session.execute(
            insert(KnownElimination)
            .values(
                elimination_id=event.case_id,
                household_id=event.household_id,
                occurred_at=_start_of(event.history.eliminated_on),
            )
            .on_conflict_do_nothing()
        )


def _start_of(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(), tzinfo=clock.CST)


async def _monitored(session: AsyncSession, event: CaseEventBase, since: dt.datetime) -> None:
    stmt = insert(MonitoredHousehold).values(
        household_id=event.household_id,
        region_code=event.region_code,
        case_id=event.case_id,
        since=since,
    )
    await session.execute(
        stmt.on_conflict_do_update(
            index_elements=["household_id"],
            set_={"case_id": event.case_id, "since": since},
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
