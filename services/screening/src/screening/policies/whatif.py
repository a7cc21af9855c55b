"""What-if: how a draft policy would move households into or out of the monitoring range (per-capita income
below the line), against the policy in force today, by township. Nothing is stored or raised."""

import datetime as dt
from collections import defaultdict
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from common.regions import full_name
from screening.policies.schemas import PolicyCreate
from screening.policies.service import effective_many
from screening.projections.models import KnownHousehold, KnownIncome


async def what_if(session: AsyncSession, draft: PolicyCreate, on: dt.date) -> dict[str, Any]:
    rows = (
        await session.execute(
            select(KnownHousehold.region_code, KnownIncome.per_capita_net_income)
            .join(KnownIncome, KnownIncome.household_id == KnownHousehold.household_id)
            .where(KnownHousehold.region_code.like(draft.region_prefix + "%"), KnownIncome.year == draft.year)
        )
    ).all()
    in_force = await effective_many(session, {(village, draft.year): on for village, _ in rows})
    # village -> (line in force, its prefix length)
    current: dict[str, tuple[Decimal | None, int]] = {
        village: (found[0].monitoring_line, len(found[0].region_prefix)) if found else (None, 0)
        for (village, _), found in in_force.items()
    }
    by_township: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for village, per_capita in rows:
        line_now, specificity = current[village]
        # The draft would govern this village only where no more specific policy is in force.
        line_draft = draft.monitoring_line if len(draft.region_prefix) >= specificity else line_now
        now = line_now is not None and per_capita < line_now
        then = line_draft is not None and per_capita < line_draft
        t = by_township[village[:9]]
        t["evaluated"] += 1
        t["in_range_now"] += now
        t["in_range_draft"] += then
        t["entering"] += then and not now
        t["leaving"] += now and not then
    regions: list[dict[str, Any]] = [
        {"region_code": code, "region_name": full_name(code), **counts} for code, counts in sorted(by_township.items())
    ]
    totals = {
        k: sum(r[k] for r in regions) for k in ("evaluated", "in_range_now", "in_range_draft", "entering", "leaving")
    }
    return {
        "region_prefix": draft.region_prefix,
        "year": draft.year,
        "monitoring_line": draft.monitoring_line,
        "on": on,
        **totals,
        "by_township": regions,
    }
