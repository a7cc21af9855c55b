"""Sweeps: planned for a region and a period, each household's visit recorded by the cadre, and the coverage
that shows whether every registered household was looked at (应纳尽纳)."""

import datetime as dt
import uuid
from collections import defaultdict

from sqlalchemy import ColumnElement, func, literal, or_, select
from sqlalchemy.dialects.postgresql import distinct_on
from sqlalchemy.ext.asyncio import AsyncSession

from common import clock
from common.access import within
from common.auth import Principal, ensure_covers
from common.clock import check_step_date
from common.errors import NotFound, ValidationFailed
from common.regions import regions
from contracts.screening import SweepPlannedV1, SweepVisitRecordedV1
from screening.mechanisms import outbox
from screening.projections.models import KnownHousehold
from screening.sweeps.models import Sweep, SweepVisit
from screening.sweeps.schemas import SweepCreate, VisitCreate

# A village is behind schedule when the share of its households looked at trails the share of the period
# elapsed by more than this. Local default: no policy document states a tolerance.
BEHIND_MARGIN = 0.10


def visible(principal: Principal) -> ColumnElement[bool]:
    """The sweeps a caller sees: those of their jurisdiction, and those that cover it (a county's sweep is
    the township's work too)."""
    if principal.national:
        return literal(True)
    covering = [literal(p).startswith(Sweep.region_code) for p in principal.prefixes]
    return or_(within(Sweep, principal), *covering)


async def plan(session: AsyncSession, principal: Principal, body: SweepCreate) -> Sweep:
    if not regions().is_known(body.region_code):
        raise ValidationFailed.on("region_code", "unknown region code", zh="没有该行政区划")
    ensure_covers(principal, body.region_code, "region")
    if body.period_end < body.period_start:
        raise ValidationFailed.on("period_end", "cannot be before period_start", zh="结束日期不能早于开始日期")
    if (body.period_end - body.period_start).days > 366:
        raise ValidationFailed.on("period_end", "a sweep runs for at most a year", zh="一次排查最长一年")
    sweep = Sweep(id=uuid.uuid4(), planned_by=principal.sub, **body.model_dump())
    session.add(sweep)
    await session.flush()
    await outbox.add(
        session,
        SweepPlannedV1(
            sweep_id=sweep.id,
            region_code=sweep.region_code,
            kind=body.kind,
            name=sweep.name,
            period_start=sweep.period_start,
            period_end=sweep.period_end,
            planned_by=sweep.planned_by,
        ),
        subject=sweep.region_code,
    )
    return sweep


async def get(session: AsyncSession, principal: Principal, sweep_id: uuid.UUID) -> Sweep:
    sweep = (await session.execute(select(Sweep).where(Sweep.id == sweep_id, visible(principal)))).scalar_one_or_none()
    if sweep is None:
        raise NotFound("No such sweep", zh="未找到该排查")
    return sweep


async def visit(session: AsyncSession, principal: Principal, sweep: Sweep, body: VisitCreate) -> SweepVisit:
    household = await session.get(KnownHousehold, body.household_id)
    if household is None or not household.region_code.startswith(sweep.region_code):
        raise NotFound("No such household in this sweep", zh="本次排查范围内没有该户")
    ensure_covers(principal, household.region_code, "household")
    check_step_date("visited_on", body.visited_on, not_before=sweep.period_start, follows="the sweep's start")
    if body.visited_on > sweep.period_end:
        raise ValidationFailed.on(
            "visited_on", f"after the sweep's period ({sweep.period_end})", zh=f"晚于排查截止日期（{sweep.period_end}）"
        )
    record = SweepVisit(
        id=uuid.uuid4(),
        sweep_id=sweep.id,
        household_id=household.household_id,
        region_code=household.region_code,
        visited_by=principal.sub,
        recorded_at=clock.now(),
        **body.model_dump(exclude={"household_id"}),
    )
    session.add(record)
    await session.flush()
    await outbox.add(
        session,
        SweepVisitRecordedV1(
            sweep_id=sweep.id,
            visit_id=record.id,
            household_id=record.household_id,
            region_code=record.region_code,
            visited_on=record.visited_on,
            result=body.result,
            note=record.note,
            visited_by=record.visited_by,
            recorded_at=record.recorded_at,
        ),
        subject=record.household_id,
    )
    return record


def expected_share(sweep: Sweep, as_of: dt.date) -> float:
    """Where the sweep should be by `as_of`, its period elapsing evenly (all of it from the last day)."""
    days = (sweep.period_end - sweep.period_start).days + 1
    return max(0.0, min(1.0, ((as_of - sweep.period_start).days + 1) / days))


async def coverage(
    session: AsyncSession, principal: Principal, sweep: Sweep, depth: int, as_of: dt.date
) -> list[dict[str, object]]:
    """Per village (depth 12) or township (9) of the sweep within the caller's jurisdiction: the registered
    households, those looked at (the latest visit of each counts), by result, and whether it is behind."""
    area = func.substr(KnownHousehold.region_code, 1, depth)
    scope = KnownHousehold.region_code.startswith(sweep.region_code)
    counted = await session.execute(select(area, func.count()).where(scope).group_by(area))
    households: dict[str, int] = {str(code): int(n) for code, n in counted}
    latest = (
        select(SweepVisit.household_id, SweepVisit.region_code, SweepVisit.result)
        .where(SweepVisit.sweep_id == sweep.id)
        .ext(distinct_on(SweepVisit.household_id))
        .order_by(SweepVisit.household_id, SweepVisit.recorded_at.desc())
    )
    results: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for _, region_code, result in await session.execute(latest):
        results[region_code[:depth]][result] += 1
    expected = expected_share(sweep, as_of)
    rows = []
    for code in sorted(set(households) | set(results)):
        if not principal.covers(code):  # a township officer on a county's sweep: their township's rows
            continue
        total, seen = households.get(code, 0), sum(results[code].values())
        share = seen / total if total else 1.0
        rows.append(
            {
                "region_code": code,
                "region_name": regions().name(code) or code,
                "households": total,
                "visited": seen,
                "share": round(share, 4),
                "expected_share": round(expected, 4),
                "behind": share + BEHIND_MARGIN < expected,
                "by_result": dict(results[code]),
            }
        )
    return rows
