"""Assistance's subscriptions: approved cases get a draft plan; household facts (labour, income) and the
monitoring lines (screening's policies) are kept for recommendations and the elimination criteria."""

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from assistance.models import KnownHousehold, KnownIncome, MonitoredCase, PolicyLine
from assistance.plans.service import draft_for_case, redraft_unknown_labour
from common.events.contracts.intake import (
    CASE_TOPIC,
    HOUSEHOLD_TOPIC,
    CaseApprovedV1,
    HouseholdIncomeRecordedV1,
    HouseholdRegisteredV1,
    HouseholdUpdatedV1,
)
from common.events.contracts.screening import POLICY_TOPIC, PolicyPublishedV1
from common.events.envelope import Envelope
from common.messaging.consumer import Subscription


async def on_case(session: AsyncSession, envelope: Envelope) -> None:
    if envelope.type != CaseApprovedV1.type:
        return
    event = envelope.payload(CaseApprovedV1)
    await session.execute(
        insert(MonitoredCase)
        .values(
            case_id=event.case_id,
            household_id=event.household_id,
            region_code=event.region_code,
            object_type=event.object_type,
            risks=[r.model_dump(mode="json") for r in event.risks],
            weak_motivation=event.weak_motivation,
            approved_at=event.occurred_at,
        )
        .on_conflict_do_nothing()
    )
    case = await session.get(MonitoredCase, event.case_id)
    assert case is not None
    await draft_for_case(session, case)


async def on_household(session: AsyncSession, envelope: Envelope) -> None:
    if envelope.type == HouseholdIncomeRecordedV1.type:
        income = envelope.payload(HouseholdIncomeRecordedV1)
        values = {
            "revision": income.revision,
            "per_capita_net_income": income.per_capita_net_income,
            "total_income": income.wages + income.production + income.property + income.transfers,
            "rigid_expense": income.medical_expense + income.schooling_expense + income.other_rigid_expense,
        }
        await session.execute(
            insert(KnownIncome)
            .values(household_id=income.household_id, year=income.year, **values)
            .on_conflict_do_update(
                index_elements=["household_id", "year"], set_=values, where=KnownIncome.revision < income.revision
            )
        )
        return
    contract = {c.type: c for c in (HouseholdRegisteredV1, HouseholdUpdatedV1)}.get(envelope.type)
    if contract is None:
        return
    event = envelope.payload(contract)
    current = (
        await session.execute(select(KnownHousehold.version).where(KnownHousehold.household_id == event.household_id))
    ).scalar_one_or_none()
    if current is not None and current >= event.version:
        return  # an older version arriving late changes nothing
    values = {
        "region_code": event.region_code,
        "version": event.version,
        "members": [
            {"labour_capacity": m.labour_capacity, "active": m.active, "relation": m.relation} for m in event.members
        ],
    }
    await session.execute(
        insert(KnownHousehold)
        .values(household_id=event.household_id, **values)
        .on_conflict_do_update(index_elements=["household_id"], set_=values)
    )
    household = await session.get(KnownHousehold, event.household_id, populate_existing=True)
    assert household is not None
    await redraft_unknown_labour(session, household)


async def on_policy(session: AsyncSession, envelope: Envelope) -> None:
    if envelope.type != PolicyPublishedV1.type:
        return
    p = envelope.payload(PolicyPublishedV1)
    await session.execute(
        insert(PolicyLine)
        .values(
            region_prefix=p.region_prefix,
            year=p.year,
            version=p.version,
            effective_from=p.effective_from,
            monitoring_line=p.monitoring_line,
            rigid_expense_ratio=p.rigid_expense_ratio,
        )
        .on_conflict_do_nothing()
    )


SUBSCRIPTIONS = [
    Subscription(CASE_TOPIC, on_case),
    Subscription(HOUSEHOLD_TOPIC, on_household),
    Subscription(POLICY_TOPIC, on_policy),
]
