"""Policies per jurisdiction and year: versioned, effective-dated, the most specific region prefix wins."""

import datetime as dt
import time
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from common import clock
from common.auth import Principal, ensure_covers
from common.errors import NotFound
from common.pagination import page_rows
from common.regions import ancestors
from contracts.screening import PolicyPublishedV1, PolicyRule
from screening.mechanisms import outbox
from screening.policies.models import Policy, RescreenJob
from screening.policies.schemas import PolicyCreate
from screening.projections.models import KnownHousehold
from screening.rules.catalogue import CATALOGUE

THRESHOLDS = (
    "monitoring_line",
    "rigid_expense_ratio",
    "income_drop_ratio",
    "medical_oop_threshold",
    "medical_oop_income_share",
)
# The stored precision (money: cents, ratios: 4 places), applied before storing so the event says the same.
EXPONENTS = {
    t: Decimal("0.01") if t in ("monitoring_line", "medical_oop_threshold") else Decimal("0.0001") for t in THRESHOLDS
}


class NoPolicy(NotFound):
    slug, title = "no-policy", "No monitoring policy applies"


def full_rules(overrides: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Every catalogue rule with its setting: the policy's override, else enabled at the default grade."""
    return {
        code: {"enabled": True, "grade": rule.grade.value, **overrides.get(code, {})}
        for code, rule in CATALOGUE.items()
    }


def ensure_may_publish(principal: Principal, region_prefix: str) -> None:
    """Who publishes is the route's access (PoliciesPublish); where, the jurisdiction."""
    ensure_covers(principal, region_prefix, "region")


LOCAL_DEFAULT = "local default: no policy document states this value"


def value_sources(source: str, given: Mapping[Any, str]) -> dict[str, str]:
    """Every threshold with its source: as given, the monitoring line defaulting to the policy's document,
    the others to a local default (the documents name the risks, not these figures)."""
    return {
        t: given.get(t) or (source if t == "monitoring_line" else LOCAL_DEFAULT)
        for t in (*THRESHOLDS, "income_year_offset")
    }


async def publish(session: AsyncSession, body: PolicyCreate, published_by: str) -> Policy:
    """A new version for (prefix, year). Concurrent publishers serialize on an advisory lock per key."""
    await session.execute(select(func.pg_advisory_xact_lock(func.hashtext(f"policy:{body.region_prefix}:{body.year}"))))
    latest = (
        await session.execute(
            select(func.coalesce(func.max(Policy.version), 0)).where(
                Policy.region_prefix == body.region_prefix, Policy.year == body.year
            )
        )
    ).scalar_one()
    policy = Policy(
        id=uuid.uuid4(),
        region_prefix=body.region_prefix,
        year=body.year,
        version=latest + 1,
        effective_from=body.effective_from,
        name=body.name,
        source=body.source,
        created_by=published_by,
        rules=full_rules({k: v.model_dump(mode="json") for k, v in body.rules.items()}),
        income_year_offset=body.income_year_offset,
        value_sources=value_sources(body.source, body.value_sources),
        **{t: getattr(body, t).quantize(EXPONENTS[t]) for t in THRESHOLDS},
    )
    session.add(policy)
    forget_gaps()
    await session.flush()
    await outbox.add(
        session,
        PolicyPublishedV1(
            policy_id=policy.id,
            region_prefix=policy.region_prefix,
            year=policy.year,
            version=policy.version,
            effective_from=policy.effective_from,
            name=policy.name,
            published_by=published_by,
            rules={k: PolicyRule(**v) for k, v in policy.rules.items()},
            **{t: getattr(policy, t) for t in THRESHOLDS},
        ),
        subject=policy.region_prefix,
    )
    # Re-screen the prefix's households under the new version: a job the background loop works through.
    households = (
        await session.execute(
            select(func.count())
            .select_from(KnownHousehold)
            .where(KnownHousehold.region_code.like(policy.region_prefix + "%"))
        )
    ).scalar_one()
    session.add(
        RescreenJob(
            policy_id=policy.id,
            region_prefix=policy.region_prefix,
            year=policy.year,
            state="pending",
            total=households,
            processed=0,
        )
    )
    return policy


async def get(session: AsyncSession, policy_id: uuid.UUID) -> Policy:
    policy = await session.get(Policy, policy_id)
    if policy is None:
        raise NotFound("No such policy")
    return policy


async def search(
    session: AsyncSession, *, region_prefix: str | None, year: int | None, cursor: str | None, limit: int
) -> tuple[list[Policy], str | None]:
    """Newest year first, then by jurisdiction and newest version."""
    q = select(Policy)
    if region_prefix:
        q = q.where(Policy.region_prefix.like(region_prefix + "%"))
    if year:
        q = q.where(Policy.year == year)
    key = (Policy.year, Policy.region_prefix, Policy.version, Policy.id)
    return await page_rows(session, q, key, cursor, limit, descending=True)


async def _matching(
    session: AsyncSession, wanted: dict[tuple[str, int], dt.date], *, earlier_years: bool
) -> list[Policy]:
    """The policies whose prefix covers one of the regions, of the wanted years (and, with `earlier_years`,
    any year before), newest year first, then the longest prefix, then the newest version. One query."""
    prefixes = {p for region, _ in wanted for p in (*ancestors(region), region)}
    years = Policy.year <= max(y for _, y in wanted) if earlier_years else Policy.year.in_({y for _, y in wanted})
    return list(
        (
            await session.execute(
                select(Policy)
                .where(years, Policy.region_prefix.in_(prefixes))
                .order_by(Policy.year.desc(), func.length(Policy.region_prefix).desc(), Policy.version.desc())
            )
        ).scalars()
    )


async def effective_many(
    session: AsyncSession, wanted: dict[tuple[str, int], dt.date]
) -> dict[tuple[str, int], list[Policy]]:
    """For each (region, year) and a date: the policies of that year that match it and are in effect on that
    date, the one in force first (the longest matching prefix, then its newest version)."""
    if not wanted:
        return {}
    rows = await _matching(session, wanted, earlier_years=False)
    return {
        (region, year): [
            p for p in rows if p.year == year and region.startswith(p.region_prefix) and p.effective_from <= on
        ]
        for (region, year), on in wanted.items()
    }


@dataclass(frozen=True)
class InForce:
    policy: Policy
    # The year has no policy in effect of its own: the latest earlier year's line, as it stood at that year's
    # end, is applied, and everything judged by it says so. Assistance falls back the same way.
    assumed: bool
    # The other policies of the year that match and are in effect, which the chosen one outranks.
    outranked: tuple[Policy, ...] = ()


async def in_force_many(
    session: AsyncSession, wanted: dict[tuple[str, int], dt.date]
) -> dict[tuple[str, int], InForce | None]:
    """For each (region, year) and a date: the policy of that year in force on the date (the most specific
    prefix, then the newest version), else the latest earlier year's (assumed), else None. One query."""
    if not wanted:
        return {}
    rows = await _matching(session, wanted, earlier_years=True)
    out: dict[tuple[str, int], InForce | None] = {}
    for (region, year), on in wanted.items():
        found = [
            p
            for p in rows
            if p.year <= year
            and region.startswith(p.region_prefix)
            and p.effective_from <= (on if p.year == year else dt.date(p.year, 12, 31))
        ]
        if not found:
            out[region, year] = None
            continue
        chosen = found[0]
        outranked = tuple(p for p in found[1:] if p.year == chosen.year == year)
        out[region, year] = InForce(chosen, chosen.year != year, outranked)
    return out


async def effective(session: AsyncSession, region_code: str, year: int, on: dt.date) -> tuple[InForce, str]:
    """The policy in force for a region on a date, and why (assumed when the year has none of its own)."""
    found = (await in_force_many(session, {(region_code, year): on}))[region_code, year]
    if found is None:
        raise NoPolicy(f"No policy for region {region_code} in {year} or any earlier year")
    chosen = found.policy
    if found.assumed:
        return found, (
            f"no {year} policy for {region_code} in effect on {on}: judged by {chosen.year}'s, prefix "
            f"{chosen.region_prefix} version {chosen.version}, the latest earlier line (assumed)"
        )
    others = sorted(
        {f"{c.region_prefix} v{c.version}" for c in found.outranked} - {f"{chosen.region_prefix} v{chosen.version}"}
    )
    why = (
        f"prefix {chosen.region_prefix} version {chosen.version} (effective {chosen.effective_from}) is the most "
        f"specific in effect" + (f"; also matching: {', '.join(others)}" if others else "")
    )
    return found, why


@dataclass(frozen=True)
class Gap:
    """A county whose records of a year are judged without a policy of that year."""

    county: str
    year: int
    judged_by: int | None  # the earlier year whose line is applied; None: no policy at all

    @property
    def message(self) -> str:
        if self.judged_by is None:
            return f"no monitoring policy for {self.county}: only the rules independent of the income line are judged"
        return f"no {self.year} monitoring line for {self.county}: judged by {self.judged_by}'s"


GAPS_TTL_S = 60.0
_gaps: dict[int, tuple[float, list[Gap]]] = {}


def forget_gaps() -> None:
    """A policy published or a household registered (perhaps of a new county): judge the gaps afresh."""
    _gaps.clear()


async def gaps(session: AsyncSession, year: int) -> list[Gap]:
    """Every county with registered households that a record of `year` would be judged in without a policy
    of that year (one village of each stands for the county: policies are county-wide or wider). Not about
    any one household: a department is told what its records meet, not who is registered. Cached a minute."""
    at, found = _gaps.get(year, (-GAPS_TTL_S, []))
    if time.monotonic() - at < GAPS_TTL_S:
        return found
    villages = [
        row[0]
        for row in await session.execute(
            select(func.min(KnownHousehold.region_code)).group_by(func.left(KnownHousehold.region_code, 6))
        )
    ]
    on = min(clock.today(), dt.date(year, 12, 31))
    in_force = await in_force_many(session, {(v, year): on for v in villages})
    found = sorted(
        (
            Gap(village[:6], year, None if f is None else f.policy.year)
            for (village, _), f in in_force.items()
            if f is None or f.assumed
        ),
        key=lambda g: g.county,
    )
    _gaps[year] = (time.monotonic(), found)
    return found
