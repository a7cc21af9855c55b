"""What-if: how a draft pack would move households into or out of the monitoring range (per-capita income
of the year the pack judges below its line), against the pack in force today, by township. The draft is
ranked against the packs in force as a published one would be, so it governs only the villages it would.
Nothing is stored or raised."""

import datetime as dt
from collections import defaultdict
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from common.regions import full_name
from screening.policies.schemas import PolicyCreate
from screening.policies.service import InForce, drafted, governed, in_force_many, transient
from screening.projections.models import KnownHousehold, KnownIncome


def _in_range(found: InForce | None, incomes: dict[int, Decimal], year: int) -> bool:
    if found is None or (line := found.values.line.amount) is None:
        return False
    income = incomes.get(year + found.values.income_year_offset)
    return income is not None and income < line


async def what_if(session: AsyncSession, body: PolicyCreate, on: dt.date) -> dict[str, Any]:
    values, _ = await drafted(session, body)
    draft = transient(body, values)
    year = body.year
    rows = (
        await session.execute(
            select(
                KnownHousehold.household_id,
                KnownHousehold.region_code,
                KnownIncome.year,
                KnownIncome.per_capita_net_income,
            )
            .join(KnownIncome, KnownIncome.household_id == KnownHousehold.household_id)
            .where(governed(KnownHousehold.region_code, draft), KnownIncome.year.in_((year, year - 1)))
        )
    ).all()
    households: dict[Any, tuple[str, dict[int, Decimal]]] = {}
    for household_id, village, income_year, per_capita in rows:
        households.setdefault(household_id, (village, {}))[1][income_year] = per_capita
    villages = {village for village, _ in households.values()}
    now = await in_force_many(session, {(v, year): on for v in villages})
    then = await in_force_many(session, {(v, year): on for v in villages}, draft=draft)
    by_township: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for village, incomes in households.values():
        before, after = _in_range(now[village, year], incomes, year), _in_range(then[village, year], incomes, year)
        t = by_township[village[:9]]
        t["evaluated"] += 1
        t["in_range_now"] += before
        t["in_range_draft"] += after
        t["entering"] += after and not before
        t["leaving"] += before and not after
    regions: list[dict[str, Any]] = [
        {"region_code": code, "region_name": full_name(code), **counts} for code, counts in sorted(by_township.items())
    ]
    totals = {
        k: sum(r[k] for r in regions) for k in ("evaluated", "in_range_now", "in_range_draft", "entering", "leaving")
    }
    return {
        "jurisdiction": body.jurisdiction.code,
        "year": year,
        "monitoring_line": values.line.amount,
        "judges_income_of": year + values.income_year_offset,
        "on": on,
        **totals,
        "by_township": regions,
    }
