"""What the elimination criteria are evaluated on: a plan's facts (measures in force, income months and
records, guarantee checks, confirmed alerts, the monitoring line in force), read for many plans at once."""

import datetime as dt
import uuid
from collections import defaultdict
from typing import Any, NamedTuple, TypeVar

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import distinct_on
from sqlalchemy.ext.asyncio import AsyncSession

from assistance.elimination.evaluate import (
    GUARANTEES,
    Alert,
    Evaluation,
    Facts,
    Guarantee,
    Measure,
    Month,
    YearIncome,
    evaluate,
)
from assistance.households.models import GuaranteeCheck, IncomeMonth
from assistance.plans.models import IN_FORCE, Plan, PlanMeasure
from assistance.plans.recommend import household_labour
from assistance.projections.models import ConfirmedAlert, KnownHousehold, KnownIncome, PolicyPack
from common import policy
from common.db import among

T = TypeVar("T", bound=NamedTuple)  # one of the fact tuples of elimination.evaluate


async def facts(session: AsyncSession, plan: Plan, on: dt.date) -> Facts:
    return (await facts_many(session, [plan], on))[plan.id]


async def facts_many(session: AsyncSession, plans_: list[Plan], on: dt.date) -> dict[uuid.UUID, Facts]:
    """What the criteria read, for many plans in a few set-based statements. Plain rows, not ORM entities:
    a page of a thousand plans reads some twenty thousand rows, and building entities for them measured most
    of the page's time."""
    households = list({p.household_id for p in plans_})
    members: dict[uuid.UUID, list[dict[str, Any]]] = dict(
        (
            await session.execute(
                select(KnownHousehold.household_id, KnownHousehold.members).where(
                    among(KnownHousehold.household_id, households)
                )
            )
        ).all()
    )
    guarantees = {
        g[0]: Guarantee(g[1], g[2], dict(zip(GUARANTEES, g[3:], strict=True)))
        for g in await session.execute(
            select(
                GuaranteeCheck.household_id,
                GuaranteeCheck.id,
                GuaranteeCheck.checked_on,
                *(getattr(GuaranteeCheck, name) for name in GUARANTEES),
            )
            .where(among(GuaranteeCheck.household_id, households), GuaranteeCheck.checked_on <= on)
            .order_by(GuaranteeCheck.household_id, GuaranteeCheck.checked_on.desc(), GuaranteeCheck.recorded_at.desc())
            .ext(distinct_on(GuaranteeCheck.household_id))
        )
    }
    months = await _grouped(
        session,
        IncomeMonth.household_id,
        Month,
        among(IncomeMonth.household_id, households),
        IncomeMonth.month >= on.replace(day=1) - dt.timedelta(days=400),
    )
    incomes = await _grouped(session, KnownIncome.household_id, YearIncome, among(KnownIncome.household_id, households))
    measures = await _grouped(
        session,
        PlanMeasure.plan_id,
        Measure,
        among(PlanMeasure.plan_id, [p.id for p in plans_]),
        IN_FORCE,
        order_by=PlanMeasure.code,
    )
    alerts = await _grouped(session, ConfirmedAlert.household_id, Alert, among(ConfirmedAlert.household_id, households))
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


async def _grouped(
    session: AsyncSession, key: Any, kind: type[T], *where: Any, order_by: Any = None
) -> defaultdict[Any, list[T]]:
    """The rows of `key`'s table that match, as `kind` (its fields are the columns read), grouped by `key`."""
    out: defaultdict[Any, list[T]] = defaultdict(list)
    q = select(key, *(getattr(key.class_, c) for c in kind._fields)).where(*where)
    for row in await session.execute(q if order_by is None else q.order_by(order_by)):
        out[row[0]].append(kind(*row[1:]))
    return out


async def evaluation_for(session: AsyncSession, plan: Plan, on: dt.date) -> Evaluation:
    return evaluate(await facts(session, plan, on), on)
