"""Assistance's subscriptions: approved cases get a draft plan; household facts (labour, income) and the
monitoring lines (screening's policies) are kept for recommendations and the elimination criteria."""

import datetime as dt

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from assistance.plans.service import draft_for_cases, redraft_unknown_labour
from assistance.projections.models import (
    ConfirmedAlert,
    KnownHousehold,
    KnownIncome,
    MonitoredCase,
    PolicyLine,
    PolicyPack,
)
from common import policy
from common.db import upsert_newer
from common.messaging.subscribe import Received
from contracts.intake import (
    CaseEventBase,
    CaseImportedV1,
    HouseholdIncomeRecordedV1,
    HouseholdRegisteredV1,
    HouseholdUpdatedV1,
)
from contracts.policy import Jurisdiction, PackValues
from contracts.screening import AlertConfirmedV1, PolicyPackPublishedV1, PolicyPublishedV1
from contracts.steps import ApprovalRecord


def _approved_on(event: CaseEventBase) -> dt.date | None:
    """The date the county's approval states (its record, typed by the contract); for an imported case, the
    date the national system identified it (its procedure ran there)."""
    if isinstance(event, CaseImportedV1):
        return event.history.identified_on
    return event.data.approved_on if isinstance(event.data, ApprovalRecord) else None


async def on_cases_approved(session: AsyncSession, received: list[Received[CaseEventBase]]) -> None:
    """Approved cases become monitored households with a draft plan; a batch is drafted set-based."""
    approved = [r.event for r in received]
    await session.execute(
        insert(MonitoredCase).on_conflict_do_nothing(),
        [
            {
                "case_id": event.case_id,
                "household_id": event.household_id,
                "region_code": event.region_code,
                "object_type": event.object_type,
                "risks": [r.model_dump(mode="json") for r in event.risks],
                "weak_motivation": event.weak_motivation,
                "approved_at": event.occurred_at,
                "approved_on": _approved_on(event),
            }
            for event in approved
        ],
    )
    ids = [event.case_id for event in approved]
    cases = {
        c.case_id: c
        for c in (await session.execute(select(MonitoredCase).where(MonitoredCase.case_id.in_(ids)))).scalars()
    }
    await draft_for_cases(session, [cases[i] for i in dict.fromkeys(ids)])


async def on_cases_imported(session: AsyncSession, received: list[Received[CaseEventBase]]) -> None:
    """Imported cases still monitored are taken as approved ones are, with a draft plan: the household is
    assisted here from now on. One whose risk the national system eliminated has nothing left to plan."""
    monitored = [r for r in received if isinstance(r.event, CaseImportedV1) and r.event.history.eliminated_on is None]
    if monitored:
        await on_cases_approved(session, monitored)


async def on_income(session: AsyncSession, income: HouseholdIncomeRecordedV1) -> None:
    values = {
        "revision": income.revision,
        "per_capita_net_income": income.per_capita_net_income,
        "total_income": income.total_income(),
        "rigid_expense": income.rigid_expense(),
    }
    key = {"household_id": income.household_id, "year": income.year}
    await upsert_newer(session, KnownIncome, key, values, KnownIncome.revision)


async def on_household(session: AsyncSession, event: HouseholdRegisteredV1 | HouseholdUpdatedV1) -> None:
    values = {
        "region_code": event.region_code,
        "household_no": event.household_no,
        "version": event.version,
        "members": [
            {"labour_capacity": m.labour_capacity, "active": m.active, "relation": m.relation} for m in event.members
        ],
    }
    if not await upsert_newer(
        session, KnownHousehold, {"household_id": event.household_id}, values, KnownHousehold.version
    ):
        return  # an older version arriving late changes nothing
    household = await session.get(KnownHousehold, event.household_id, populate_existing=True)
    assert household is not None
    await redraft_unknown_labour(session, household)


async def on_policy(session: AsyncSession, p: PolicyPublishedV1) -> None:
    """A policy from before packs: kept as received, and as the pack it amounts to (a fixed line and the
    rigid-expense ratio; the rest at the local defaults)."""
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
    legacy = PolicyPackPublishedV1(
        policy_id=p.policy_id,
        jurisdiction=Jurisdiction(code=p.region_prefix, name=p.name, level="county", prefixes=[p.region_prefix]),
        prefixes=[p.region_prefix],
        year=p.year,
        version=p.version,
        effective_from=p.effective_from,
        name=p.name,
        source=p.name,
        pack=PackValues.model_validate(
            {
                "line": {"basis": "fixed", "amount": str(p.monitoring_line)},
                "thresholds": {"rigid_expense_ratio": str(p.rigid_expense_ratio)},
            }
        ),
        sources={},
        published_by=p.published_by,
    )
    await policy.keep(session, PolicyPack, legacy)


async def on_pack(session: AsyncSession, p: PolicyPackPublishedV1) -> None:
    await policy.keep(session, PolicyPack, p)


async def on_alert_confirmed(session: AsyncSession, alert: AlertConfirmedV1) -> None:
    await session.execute(
        insert(ConfirmedAlert).on_conflict_do_nothing(),
        [
            {
                "alert_id": alert.alert_id,
                "household_id": alert.household_id,
                "rule": f.rule,
                "explanation": f.explanation,
                "confirmed_at": alert.confirmed_at,
            }
            for f in alert.findings[:1]  # one alert, one rule
        ],
    )
