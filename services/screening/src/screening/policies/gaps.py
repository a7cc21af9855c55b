"""Policy gaps: the counties whose records of a year are judged without a policy of that year (a missing
monitoring line), or by the national floor because their pack states no amount, for the departments and the
readiness notes. Not about any one household."""

import datetime as dt
import time
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from common import clock
from common.regions import full_name
from screening.policies.service import GAPS_TTL_S, _gaps, in_force_many
from screening.projections.models import KnownHousehold


@dataclass(frozen=True)
class Gap:
    """A county whose records of a year are judged without a policy of that year."""

    county: str
    year: int
    judged_by: int | None  # the earlier year whose line is applied; None: no line at all
    basis: str = "fixed"  # the line's basis in the pack judged by
    floor: Decimal | None = None  # national_floor: the national floor applied in place of an amount

    @property
    def message(self) -> str:
        if self.basis == "national_floor":
            return (
                f"no monitoring line amount for {self.county} in {self.year} (its pack of {self.judged_by} states "
                f"none): incomes are judged by the national floor {self.floor} until an amount is published"
            )
        if self.judged_by is None:
            return f"no monitoring line for {self.county}: only the rules independent of the income line are judged"
        also = (
            f" (publish {self.year}'s 低保 standard: the line is a multiple of it)"
            if self.basis == "dibao_multiple"
            else ""
        )
        return f"no {self.year} monitoring line for {self.county}: judged by {self.judged_by}'s{also}"

    @property
    def message_zh(self) -> str:
        county = full_name(self.county) or self.county
        if self.judged_by is None:
            return f"{county}尚无监测标准：只按与收入标准无关的规则研判"
        also = f"（请发布{self.year}年低保标准：监测标准按其倍数确定）" if self.basis == "dibao_multiple" else ""
        return f"{county}尚无{self.year}年监测标准：暂按{self.judged_by}年标准研判{also}"


async def gaps(session: AsyncSession, year: int) -> list[Gap]:
    """Every county with registered households that a record of `year` would be judged in without a pack of
    that year (one village of each township stands for it: packs govern townships or wider; a county is
    named once, by its worst township). Not about any one household: a department is told what its records
    meet, not who is registered. Cached a minute."""
    at, found = _gaps.get(year, (-GAPS_TTL_S, []))  # the cache service.forget_gaps empties
    if time.monotonic() - at < GAPS_TTL_S:
        return found
    villages = [
        row[0]
        for row in await session.execute(
            select(func.min(KnownHousehold.region_code)).group_by(func.left(KnownHousehold.region_code, 9))
        )
    ]
    on = min(clock.today(), dt.date(year, 12, 31))
    in_force = await in_force_many(session, {(v, year): on for v in villages})
    worst: dict[str, Gap] = {}
    for (village, _), f in sorted(in_force.items()):
        if f is None or f.values.line.amount is None:
            gap = Gap(village[:6], year, None, "unstated")
        elif f.values.line.basis == "national_floor":
            gap = Gap(village[:6], year, f.policy.year, "national_floor", f.values.line.amount)
        elif f.assumed:
            gap = Gap(village[:6], year, f.policy.year, f.values.line.basis)
        else:
            continue
        held = worst.get(gap.county)
        if held is None or (gap.judged_by or 0) < (held.judged_by or 0):
            worst[gap.county] = gap
    found = [worst[county] for county in sorted(worst)]
    _gaps[year] = (time.monotonic(), found)
    return found
