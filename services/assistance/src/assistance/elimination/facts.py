"""What the elimination criteria are evaluated on: a plan's facts (measures in force, income months and
records, guarantee checks, confirmed alerts, the monitoring line in force), read for many plans at once."""

import datetime as dt
import uuid
from collections import defaultdict
from typing import Any

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import distinct_on
from sqlalchemy.ext.asyncio import AsyncSession

from assistance.elimination.evaluate import Evaluation, Facts, evaluate
from assistance.households.models import GuaranteeCheck, IncomeMonth
from assistance.plans.models import IN_FORCE, Plan, PlanMeasure
from assistance.plans.recommend import household_labour
from assistance.projections.models import ConfirmedAlert, KnownHousehold, KnownIncome, PolicyPack
from common import policy


async def facts(session: AsyncSession, plan: Plan, on: dt.date) -> Facts:
    return (await facts_many(session, [plan], on))[plan.id]


async def facts_many(session: AsyncSession, plans_: list[Plan], on: dt.date) -> dict[uuid.UUID, Facts]:
    """What the criteria read, for many plans in a few set-based statements."""
    households = {p.household_id for p in plans_}
    members: dict[uuid.UUID, list[dict[str, Any]]] = dict(
        (
            await session.execute(
                select(KnownHousehold.household_id, KnownHousehold.members).where(
                    KnownHousehold.household_id.in_(households)
                )
            )
        ).all()
    )
    guarantees = {
        g.household_id: g
        for g in (
            await session.execute(
                select(GuaranteeCheck)
                .where(GuaranteeCheck.household_id.in_(households), GuaranteeCheck.checked_on <= on)
                .order_by(
                    GuaranteeCheck.household_id, GuaranteeCheck.checked_on.desc(), GuaranteeCheck.recorded_at.desc()
                )
                .ext(distinct_on(GuaranteeCheck.household_id))
            )
        ).scalars()
    }
    months: dict[uuid.UUID, list[IncomeMonth]] = defaultdict(list)
    for m in (
        await session.execute(
            select(IncomeMonth).where(
                IncomeMonth.household_id.in_(households),
                IncomeMonth.month >= on.replace(day=1) - dt.timedelta(days=400),
            )
        )
    ).scalars():
        months[m.household_id].append(m)
    incomes: dict[uuid.UUID, list[KnownIncome]] = defaultdict(list)
    for i in (await session.execute(select(KnownIncome).where(KnownIncome.household_id.in_(households)))).scalars():
        incomes[i.household_id].append(i)
    measures: dict[uuid.UUID, list[PlanMeasure]] = defaultdict(list)
    for pm in (
        await session.execute(
            select(PlanMeasure)
            .where(PlanMeasure.plan_id.in_([p.id for p in plans_]), IN_FORCE)
            .order_by(PlanMeasure.code)
        )
    ).scalars():
        measures[pm.plan_id].append(pm)
    alerts: dict[uuid.UUID, list[ConfirmedAlert]] = defaultdict(list)
    for a in (
        await session.execute(select(ConfirmedAlert).where(ConfirmedAlert.household_id.in_(households)))
    ).scalars():
        alerts[a.household_id].append(a)
    packs = await policy.packs_in_force(session, PolicyPack, {p.region_code for p in plans_}, on)
    return {
        p.id: Facts(
            plan=p,
            measures=measures[p.id],
            labour=household_labour(members[p.household_id]) if p.household_id in members else p.labour,
            guarantee=guarantees.get(p.household_id),
            months=months[p.household_id],
            incomes=incomes[p.household_id],
            pack=packs[p.region_code],
            alerts=alerts[p.household_id],
        )
        for p in plans_
    }


async def evaluation_for(session: AsyncSession, plan: Plan, on: dt.date) -> Evaluation:
    return evaluate(await facts(session, plan, on), on)
