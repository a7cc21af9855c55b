"""Policy packs per jurisdiction and year: versioned, effective-dated; a jurisdiction of the region's own
before the national pack, the year's own before an earlier year's, the most specific prefix wins."""

import datetime as dt
import uuid
from typing import Any

from pydantic import ValidationError as PydanticValidationError
from sqlalchemy import ColumnElement, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from common import policy as ranking
from common.auth import Principal, ensure_covers
from common.errors import NotFound, ValidationFailed
from common.messages import message_zh
from common.pagination import page_rows
from common.policy import candidate_prefixes
from common.regions import ancestors
from contracts.policy import LOCAL_DEFAULT, VALUE_PATHS, Jurisdiction, PackValues, at, given_paths, merge
from contracts.screening import PolicyPackPublishedV1
from screening.mechanisms import outbox
from screening.policies.models import Policy, RescreenJob
from screening.policies.schemas import PolicyCreate
from screening.projections.models import KnownHousehold
from screening.rules.catalogue import CATALOGUE

# The columns that repeat the pack's thresholds (readers in SQL; rows older than packs).
THRESHOLDS = ("rigid_expense_ratio", "income_drop_ratio", "medical_oop_threshold", "medical_oop_income_share")


class NoPolicy(NotFound):
    slug, title = "no-policy", "No monitoring policy applies"
    title_zh = "没有适用的监测政策"


class BelowFloor(ValidationFailed):
    slug, title = "line-below-floor", "The monitoring line is below the national floor"
    title_zh = "监测范围低于国家底线"


def full_rules(overrides: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Every catalogue rule with its setting: the pack's override, else the catalogue's (on or off, the
    default grade)."""
    return {
        code: {"enabled": rule.enabled, "grade": rule.grade.value, **overrides.get(code, {})}
        for code, rule in CATALOGUE.items()
    }


def values_of(policy: Policy) -> PackValues:
    return PackValues.model_validate(policy.pack)


def ensure_may_publish(principal: Principal, jurisdiction: Jurisdiction) -> None:
    """Who publishes is the route's access (PoliciesPublish); where, the jurisdiction: every prefix of it
    (the national pack: only a national account)."""
    for prefix in jurisdiction.prefixes or [""]:
        ensure_covers(principal, prefix, "region")
    if not jurisdiction.prefixes and not principal.national:
        raise NotFound("No such region", zh="未找到该区划")


def sources_of(policy: Policy) -> dict[str, str]:
    """Every value path with its source, a local default where none was given."""
    return {path: policy.value_sources.get(path) or LOCAL_DEFAULT for path in VALUE_PATHS}


def sourced(policy: Policy, found: "InForce | None" = None) -> list[dict[str, Any]]:
    """Every value with its source; in force somewhere (`found`), the national pack's mandatory values
    over the pack's own."""
    dumped = (found.values if found else values_of(policy)).model_dump(mode="json")
    out = []
    for path, source in sources_of(policy).items():
        by_nation = found.source_of(path) if found else None
        source = (
            f"{by_nation}: {found.overridden_by.value_sources.get(path, LOCAL_DEFAULT)}"
            if (by_nation and found and found.overridden_by)
            else source
        )
        if path == "line" and found and found.values.line.basis == "national_floor":
            nation = found.overridden_by or found.policy  # the national pack whose floor stands in
            source = f"{source}; the national floor in its place, {label(nation)}: " + nation.value_sources.get(
                "line_floor", LOCAL_DEFAULT
            )
        out.append(
            {"path": path, "value": at(dumped, path), "source": source, "local_default": source == LOCAL_DEFAULT}
        )
    return out


def common_prefix(prefixes: list[str]) -> str:
    """The longest region prefix (2/4/6/9/12 digits) every prefix starts with: empty for the nation."""
    if not prefixes:
        return ""
    for n in (12, 9, 6, 4, 2):
        heads = {p[:n] for p in prefixes}
        if len(heads) == 1 and all(len(p) >= n for p in prefixes):
            return heads.pop()
    return ""


async def _carried_from(session: AsyncSession, body: PolicyCreate) -> Policy | None:
    """What a new version starts from: the jurisdiction's latest pack of the year or before; for a new
    jurisdiction, the pack in force for its first prefix that year (the enclosing county's or province's,
    else the national pack)."""
    own = (
        await session.execute(
            select(Policy)
            .where(Policy.jurisdiction == body.jurisdiction.code, Policy.year <= body.year)
            .order_by(Policy.year.desc(), Policy.version.desc())
            .limit(1)
        )
    ).scalar_one_or_none()
    if own is not None or body.jurisdiction.level == "national":
        return own
    region = body.jurisdiction.prefixes[0]
    found = (await in_force_many(session, {(region, body.year): dt.date(body.year, 12, 31)}))[region, body.year]
    return found.policy if found else None


async def _check_floor(session: AsyncSession, body: PolicyCreate, values: PackValues) -> None:
    """No line below the national floor (中农组发〔2021〕7号 二(二): 以脱贫攻坚期国家扶贫标准的1.5倍为底线)."""
    if values.line.amount is None or body.jurisdiction.level == "national":
        return
    national = (
        await session.execute(
            select(Policy)
            .where(Policy.level == "national", Policy.year <= body.year)
            .order_by(Policy.year.desc(), Policy.version.desc())
            .limit(1)
        )
    ).scalar_one_or_none()
    floor = values_of(national).line_floor if national else None
    if floor is not None and values.line.amount < floor:
        raise BelowFloor(
            f"the line {values.line.amount} is below the national floor {floor} of the national pack "
            f"{national.year if national else ''} v{national.version if national else ''}",
            errors=[{"field": "values.line", "message": f"at least {floor}", "message_zh": f"不能低于 {floor}"}],
            zh=f"监测线 {values.line.amount} 低于全国政策包规定的下限 {floor}",
        )


async def drafted(session: AsyncSession, body: PolicyCreate) -> tuple[PackValues, Policy | None]:
    """The whole pack a body would publish: what it gives over what it carries forward (from the pack it
    returns with it). Refused below the national floor."""
    base = await _carried_from(session, body)
    given = body.values.model_dump(mode="json", exclude_unset=True)
    try:
        values = PackValues.model_validate(merge(base.pack if base else {}, given))
    except PydanticValidationError as exc:
        raise ValidationFailed(
            "the pack with what it carries forward is not valid",
            errors=[
                {"field": ".".join(map(str, e["loc"])), "message": e["msg"], "message_zh": message_zh(e)}
                for e in exc.errors()
            ],
            zh="政策包连同沿用的内容不符合要求",
        ) from exc
    if values.line.basis == "national_floor":
        raise ValidationFailed.on(
            "values.line.basis",
            "national_floor is applied where a pack states no amount",
            zh="国家底线（national_floor）只在政策包未写明金额时自动适用，不能直接发布",
        )
    await _check_floor(session, body, values)
    return values, base


def transient(body: PolicyCreate, values: PackValues) -> Policy:
    """A draft as a pack row that is never stored, to be ranked against the published ones."""
    return Policy(
        id=uuid.uuid4(),
        jurisdiction=body.jurisdiction.code,
        jurisdiction_name=body.jurisdiction.name,
        level=body.jurisdiction.level,
        prefixes=body.jurisdiction.prefixes or [""],
        region_prefix=common_prefix(body.jurisdiction.prefixes),
        year=body.year,
        version=2**31 - 1,
        effective_from=body.effective_from,
        name=body.name,
        source=body.source,
        pack=values.model_dump(mode="json"),
        value_sources={},
        created_at=None,
    )


async def publish(
    session: AsyncSession, body: PolicyCreate, published_by: str, shipped: dict[str, Any] | None = None
) -> Policy:
    """A new version for (jurisdiction, year), what it leaves out carried forward with its sources (`shipped`:
    the pack file it comes from, policies/seeds.py). Concurrent publishers serialize on an advisory lock per key."""
    j = body.jurisdiction
    await session.execute(select(func.pg_advisory_xact_lock(func.hashtext(f"policy:{j.code}:{body.year}"))))
    latest = (
        await session.execute(
            select(func.coalesce(func.max(Policy.version), 0)).where(
                Policy.jurisdiction == j.code, Policy.year == body.year
            )
        )
    ).scalar_one()
    values, base = await drafted(session, body)
    renewed = given_paths(body.values.model_dump(mode="json", exclude_unset=True))
    carried = {k: v for k, v in (base.value_sources if base else {}).items() if k not in renewed}
    policy = Policy(
        id=uuid.uuid4(),
        jurisdiction=j.code,
        jurisdiction_name=j.name,
        level=j.level,
        prefixes=j.prefixes or [""],
        region_prefix=common_prefix(j.prefixes),
        year=body.year,
        valid_through=body.valid_through,
        version=latest + 1,
        effective_from=body.effective_from,
        name=body.name,
        source=body.source,
        created_by=published_by,
        shipped=shipped,
        pack=values.model_dump(mode="json"),
        rules=full_rules({k: v.model_dump(mode="json") for k, v in values.rules.items()}),
        income_year_offset=values.income_year_offset,
        value_sources={**carried, **body.sources},
        monitoring_line=values.line.amount,
        **{t: getattr(values.thresholds, t) for t in THRESHOLDS},
    )
    session.add(policy)
    forget_gaps()
    await session.flush()
    await outbox.add(
        session,
        PolicyPackPublishedV1(
            policy_id=policy.id,
            jurisdiction=j,
            prefixes=policy.prefixes,
            year=policy.year,
            valid_through=policy.valid_through,
            version=policy.version,
            effective_from=policy.effective_from,
            name=policy.name,
            source=policy.source,
            pack=values,
            sources=sources_of(policy),
            published_by=published_by,
        ),
        subject=j.code,
    )
    # Re-screen the jurisdiction's households under the new version: a job the background loop works through.
    households = (
        await session.execute(
            select(func.count()).select_from(KnownHousehold).where(governed(KnownHousehold.region_code, policy))
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


def governed(region_code: Any, policy: Policy) -> ColumnElement[bool]:
    """The regions a pack governs (before more specific packs take them)."""
    return or_(*(region_code.like(p + "%") for p in policy.prefixes))


async def get(session: AsyncSession, policy_id: uuid.UUID) -> Policy:
    policy = await session.get(Policy, policy_id)
    if policy is None:
        raise NotFound("No such policy", zh="未找到该政策")
    return policy


async def search(
    session: AsyncSession,
    *,
    region_prefix: str | None,
    jurisdiction: str | None,
    year: int | None,
    cursor: str | None,
    limit: int,
) -> tuple[list[Policy], str | None]:
    """Newest year first, then by jurisdiction and newest version. A region prefix finds the packs that
    govern some of it (a zone inside a county, the county's province, the national pack)."""
    q = select(Policy)
    if region_prefix:
        q = q.where(
            or_(
                Policy.prefixes.overlap([*ancestors(region_prefix), region_prefix, ""]),
                Policy.region_prefix.like(region_prefix + "%"),
            )
        )
    if jurisdiction:
        q = q.where(Policy.jurisdiction == jurisdiction)
    if year:
        q = q.where(Policy.year == year)
    key = (Policy.year, Policy.jurisdiction, Policy.version, Policy.id)
    return await page_rows(session, q, key, cursor, limit, descending=True)


async def _matching(session: AsyncSession, wanted: dict[tuple[str, int], dt.date]) -> list[Policy]:
    """The packs one of whose prefixes covers one of the regions, of the wanted years or before. One query."""
    prefixes = candidate_prefixes(region for region, _ in wanted)
    return list(
        (
            await session.execute(
                select(Policy).where(Policy.year <= max(y for _, y in wanted), Policy.prefixes.overlap(prefixes))
            )
        ).scalars()
    )


class InForce(ranking.InForce[Policy]):
    """common.policy's choice, with screening's name for the row."""

    @property
    def policy(self) -> Policy:
        return self.pack


async def in_force_many(
    session: AsyncSession, wanted: dict[tuple[str, int], dt.date], *, draft: Policy | None = None
) -> dict[tuple[str, int], InForce | None]:
    """For each (region, year) and a date: the pack in force (common.policy.rank), or None; with a `draft`,
    as if it were published. One query."""
    if not wanted:
        return {}
    rows = [*await _matching(session, wanted), *([draft] if draft is not None else [])]
    out: dict[tuple[str, int], InForce | None] = {}
    for (region, year), on in wanted.items():
        found = ranking.in_force(region, year, on, rows)
        out[region, year] = InForce(**vars(found)) if found else None
    return out


def label(p: Policy) -> str:
    return f"{p.jurisdiction_name} ({p.jurisdiction}) {p.year} v{p.version}"


async def effective(session: AsyncSession, region_code: str, year: int, on: dt.date) -> tuple[InForce, str]:
    """The pack in force for a region on a date, and why (assumed when the year has none of its own)."""
    found = (await in_force_many(session, {(region_code, year): on}))[region_code, year]
    if found is None:
        raise NoPolicy(
            f"No policy for region {region_code} in {year} or any earlier year",
            zh=f"区划 {region_code} 在 {year} 年及以前均无监测政策",
        )
    chosen = found.policy
    if found.assumed:
        return found, (
            f"no {year} pack for {region_code} in effect on {on}: judged by {label(chosen)}, the latest earlier "
            "one (assumed)"
        )
    others = sorted({label(c) for c in found.outranked} - {label(chosen)})
    why = f"{label(chosen)} (effective {chosen.effective_from}) is the most specific in effect" + (
        f"; also governing: {', '.join(others)}" if others else ""
    )
    return found, why


# The gaps found a minute ago (policies/gaps.py), per year; a published policy or a new household empties it.
GAPS_TTL_S = 60.0
_gaps: dict[int, tuple[float, list[Any]]] = {}


def forget_gaps() -> None:
    """A policy published or a household registered (perhaps of a new county): judge the gaps afresh."""
    _gaps.clear()
