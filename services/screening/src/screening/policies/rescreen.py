"""Re-screening after a policy change: every known household under the policy's prefix is evaluated again,
a chunk per transaction, resumable, one job at a time per replica (claimed with SKIP LOCKED).

Most households of a county have no department record and no open alert, and their incomes are far from
every threshold: re-screening them in Python finds nothing. So one set-based statement per chunk first picks
the households the rules could say anything about (`candidates`), and only those go through the rules
(`reevaluate_many`, the per-event path, which alone words findings and raises, updates or withdraws alerts).
A test evaluates a random population both ways and requires identical alerts."""

import asyncio
import datetime as dt
import uuid
from typing import Any

from fastapi import FastAPI
from sqlalchemy import func, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from common import clock
from common.db import Database, among
from screening.alerts.models import OPEN_STATES
from screening.alerts.service import LimitsInForce, limits_in_force, reevaluate_many
from screening.policies.models import RescreenJob
from screening.projections.models import KnownHousehold, KnownIncome
from screening.rules.evaluate import INCOME_RULES, setting

# Households per transaction: large enough that the per-chunk work (the policies in force, the prefilter)
# is spread thin, small enough that a chunk's locks on open alerts are held for about a second.
CHUNK = 5000
IDLE_S = 1.0

# A household the rules could find something for: a current department record or an open alert (the full
# evaluation decides), or an income that one of INCOME_RULES judges at the limits of its region and year.
# The income conditions are those of income_below_line, income_drop and rigid_expense_exceeds_income in
# rules/evaluate.py for a household without records; `l.year` is one of the years the per-event path
# evaluates (a year of an income, or the year after one), as the now/prev join requires.
CANDIDATES = text(
    """
WITH lim AS (
  SELECT * FROM unnest(CAST(:regions AS text[]), CAST(:years AS int[]), CAST(:lines AS numeric[]),
                       CAST(:offsets AS int[]), CAST(:drop_ratios AS numeric[]), CAST(:rigid_ratios AS numeric[]),
                       CAST(:below AS boolean[]), CAST(:drops AS boolean[]), CAST(:rigid AS boolean[]))
    AS l(region_code, year, line, year_offset, drop_ratio, rigid_ratio, below, drops, rigid)
)
SELECT household_id FROM screening.dept_records
WHERE household_id = ANY(CAST(:ids AS uuid[])) AND NOT superseded
UNION
SELECT household_id FROM screening.alerts  -- OPEN_STATES spelt out: the partial index's own predicate
WHERE household_id = ANY(CAST(:ids AS uuid[])) AND state IN ('open', 'verifying')
UNION
SELECT h.household_id
FROM screening.known_households h
JOIN lim l ON l.region_code = h.region_code
LEFT JOIN screening.known_incomes now ON now.household_id = h.household_id AND now.year = l.year
LEFT JOIN screening.known_incomes prev ON prev.household_id = h.household_id AND prev.year = l.year - 1
LEFT JOIN screening.known_incomes judged
  ON judged.household_id = h.household_id AND judged.year = l.year + l.year_offset
WHERE h.household_id = ANY(CAST(:ids AS uuid[]))
  AND (now.household_id IS NOT NULL OR prev.household_id IS NOT NULL)
  AND ((l.below AND judged.per_capita_net_income < l.line)
    OR (l.drops AND prev.per_capita_net_income > 0
        AND now.per_capita_net_income < (1 - l.drop_ratio) * prev.per_capita_net_income)
    OR (l.rigid AND COALESCE(prev.total_income, now.total_income) > 0
        AND GREATEST(COALESCE(now.rigid_expense, 0), 0)
            > l.rigid_ratio * COALESCE(prev.total_income, now.total_income)))
"""
)
assert OPEN_STATES == ("open", "verifying"), "CANDIDATES names the open states"


async def rescreen_loop(app: FastAPI) -> None:
    db: Database = app.state.db
    while True:
        if not await rescreen_chunk(db):
            await asyncio.sleep(IDLE_S)


async def rescreen_chunk(db: Database) -> bool:
    """Work one chunk of the oldest unfinished job; False when there is nothing to do."""
    async with db.transaction() as session:
        job = (
            await session.execute(
                select(RescreenJob)
                .where(RescreenJob.state.in_(("pending", "running")))
                .order_by(RescreenJob.created_at)
                .limit(1)
                .with_for_update(skip_locked=True)
            )
        ).scalar_one_or_none()
        if job is None:
            return False
        q = select(KnownHousehold.household_id).where(KnownHousehold.region_code.like(job.region_prefix + "%"))
        if job.after_household is not None:
            q = q.where(KnownHousehold.household_id > job.after_household)
        ids = list((await session.execute(q.order_by(KnownHousehold.household_id).limit(CHUNK))).scalars())
        await rescreen_households(session, ids)
        job.processed += len(ids)
        job.after_household = ids[-1] if ids else job.after_household
        job.state = "running" if len(ids) == CHUNK else "done"
        job.updated_at = func.now()
    return True


async def rescreen_households(session: AsyncSession, ids: list[uuid.UUID], today: dt.date | None = None) -> int:
    """What `reevaluate_many(ids)` does, with the rules run only for the candidates."""
    today = today or clock.today()
    found, resolved = await candidates(session, ids, today)
    return await reevaluate_many(session, found, today, resolved)


async def candidates(
    session: AsyncSession, ids: list[uuid.UUID], today: dt.date
) -> tuple[list[uuid.UUID], LimitsInForce]:
    """The households of `ids` the rules could find something for, and the limits looked up to say so."""
    resolved = await _income_limits(session, ids, today)
    found = await session.execute(CANDIDATES, {"ids": ids, **_columns(resolved)})
    return [row[0] for row in found], resolved


async def _income_limits(session: AsyncSession, ids: list[uuid.UUID], today: dt.date) -> LimitsInForce:
    """The limits of every (village, year) the chunk's incomes are judged in: an income's year and the year
    after, up to this year (never a future year), as the per-event path chooses them."""
    pairs = await session.execute(
        select(KnownHousehold.region_code, KnownIncome.year)
        .distinct()
        .join(KnownIncome, KnownIncome.household_id == KnownHousehold.household_id)
        .where(among(KnownHousehold.household_id, ids))
    )
    wanted = {(region, y) for region, year in pairs for y in (year, year + 1) if y <= today.year}
    return await limits_in_force(session, wanted, today)


def _columns(resolved: LimitsInForce) -> dict[str, list[Any]]:
    """The limits as parallel arrays for `unnest`, with each income rule's enabled flag."""
    keys, limits = list(resolved), [resolved[k][1] for k in resolved]
    below, drops, rigid = ([setting(lim, code)["enabled"] for lim in limits] for code in INCOME_RULES)
    return {
        "regions": [region for region, _ in keys],
        "years": [year for _, year in keys],
        "lines": [lim.monitoring_line for lim in limits],
        "offsets": [lim.income_year_offset for lim in limits],
        "drop_ratios": [lim.income_drop_ratio for lim in limits],
        "rigid_ratios": [lim.rigid_expense_ratio for lim in limits],
        "below": below,
        "drops": drops,
        "rigid": rigid,
    }
