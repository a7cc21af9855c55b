"""Scale-level risk (防止规模性返贫): compare each township and county with itself and with the guidance.

- alert spike: alerts raised in the last window against the average of the three windows before it;
- monitored share: households monitored now (an eliminated one has left) / registered households, against
  about 5% and at most 10%;
- department records (中农组发〔2021〕7号 防止规模性返贫: 重大自然灾害、农村劳动力失业明显增多): households hit by
  disasters or accidents (emergency management), and members who lost their work (human resources), in the
  last window against the three before it, the same way as alerts.
- regional records (regional/records.py): farm-product prices falling by the pack's share against the windows
  before, failed industry projects whose households reach the pack's number, lost or idle poverty-alleviation
  assets.
A scan raises each risk once per region, kind and window end, and publishes it for the county.
"""

import datetime as dt
import uuid
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from common.regions import full_name
from contracts.policy import MAX_REGIONAL_WINDOW_DAYS, PackValues
from contracts.screening import RegionalRiskRaisedV1
from screening.alerts.models import Alert
from screening.feeds.models import DeptRecord
from screening.mechanisms import outbox
from screening.policies.service import in_force_many
from screening.projections.models import KnownHousehold, MonitoredHousehold, monitored_now
from screening.regional import records
from screening.regional.models import RegionalRecord, RegionalRisk


async def _counts(session: AsyncSession, column: Any, length: int, prefix: str, *where: Any) -> dict[str, int]:
    region = func.substr(column, 1, length)
    rows = await session.execute(select(region, func.count()).where(column.like(prefix + "%"), *where).group_by(region))
    return {r: n for r, n in rows.all()}


# The department records that say something of a whole region, the kinds of them that count, and the risk
# a spike of them raises.
FEED_SPIKES = {
    "emergency-management": (
        ("natural_disaster", "fire", "accident"),
        "disaster_cluster",
        "households hit by disasters",
    ),
    "human-resources": (
        ("unemployment_registered", "employment_ended", "returned_migrant"),
        "unemployment_rise",
        "households with a member who lost their work",
    ),
}


async def _record_counts(
    session: AsyncSession,
    department: str,
    kinds: tuple[str, ...],
    length: int,
    prefix: str,
    since: dt.date,
    until: dt.date,
) -> dict[str, int]:
    """Households (per region) with a current record of the department, of those kinds, dated in [since, until)."""
    region = func.substr(KnownHousehold.region_code, 1, length)
    q = (
        select(region, func.count(func.distinct(DeptRecord.household_id)))
        .join(KnownHousehold, KnownHousehold.household_id == DeptRecord.household_id)
        .where(
            DeptRecord.department == department,
            DeptRecord.facts["kind"].astext.in_(kinds),
            ~DeptRecord.superseded,
            DeptRecord.event_date >= since,
            DeptRecord.event_date < until,
            KnownHousehold.region_code.like(prefix + "%"),
        )
        .group_by(region)
    )
    return {r: n for r, n in (await session.execute(q)).all()}


async def scan(session: AsyncSession, prefix: str, today: dt.date) -> list[RegionalRisk]:
    """Every township, then county, under `prefix`, each judged by the pack in force for it: its window, the
    spike's factor and minimum, the fewest households whose share says something (Thresholds.regional_*)."""
    raised = []
    widest = today - 4 * dt.timedelta(days=MAX_REGIONAL_WINDOW_DAYS)
    for length in (9, 6):  # townships, then counties
        known = await _counts(session, KnownHousehold.region_code, length, prefix)
        # The regions with anything to judge in the longest look-back a pack may set; each is then judged
        # over its own pack's window.
        active = await _counts(session, Alert.region_code, length, prefix, Alert.created_at >= widest)
        recorded = await _counts(
            session, RegionalRecord.region_code, length, prefix, RegionalRecord.observed_on >= widest
        )
        candidates = sorted(r for r in set(known) | set(active) | set(recorded) if len(r) == length)
        packs = await in_force_many(session, {(r, today.year): today for r in candidates})
        by_window: dict[int, dict[str, PackValues]] = {}
        for region in candidates:
            found = packs[region, today.year]
            values = found.values if found else PackValues()
            by_window.setdefault(values.thresholds.regional_window_days, {})[region] = values
        monitored = await _counts(session, MonitoredHousehold.region_code, length, prefix, monitored_now())
        for days, regions in sorted(by_window.items()):
            raised += await _judge(session, prefix, length, today, days, regions, known, monitored)
    return raised


async def _judge(
    session: AsyncSession,
    prefix: str,
    length: int,
    today: dt.date,
    days: int,
    packs: dict[str, PackValues],
    known: dict[str, int],
    monitored: dict[str, int],
) -> list[RegionalRisk]:
    """The regions of `length` digits whose packs count over a window of `days`, each against its pack."""
    window = dt.timedelta(days=days)
    start, baseline_start = today - window, today - 4 * window
    raised = []
    recent = await _counts(session, Alert.region_code, length, prefix, Alert.created_at >= start)
    before = await _counts(
        session, Alert.region_code, length, prefix, Alert.created_at >= baseline_start, Alert.created_at < start
    )
    tomorrow = today + dt.timedelta(days=1)
    for department, (kinds, kind, what) in FEED_SPIKES.items():
        now_by = await _record_counts(session, department, kinds, length, prefix, start, tomorrow)
        before_by = await _record_counts(session, department, kinds, length, prefix, baseline_start, start)
        for region, now in sorted(now_by.items()):
            if region not in packs:
                continue  # judged over its own pack's window
            base = before_by.get(region, 0) / 3
            if _spike(packs[region], now, base):
                raised += await _raise(
                    session,
                    region,
                    kind,
                    start,
                    today,
                    {"households": now, "baseline": base},
                    f"{now} {what} in the {days} days to {today} ({department}), against a baseline of "
                    f"{base:.1f} per {days} days",
                )
    falls = await records.price_falls(session, prefix, length, start, baseline_start, today)
    failed = await records.failed_projects(session, prefix, length, start, today, ("failed", "suspended"))
    assets = await records.failed_projects(session, prefix, length, start, today, ("asset_lost", "asset_idle"))
    for region, values in packs.items():
        ceiling, floor = values.report.scale_share_max, values.thresholds.monitored_share_floor
        now, base = recent.get(region, 0), before.get(region, 0) / 3
        if _spike(values, now, base):
            raised += await _raise(
                session,
                region,
                "alert_spike",
                start,
                today,
                {"alerts": now, "baseline": base},
                f"{now} alerts in the {days} days to {today}, against a baseline of {base:.1f} per {days} days",
            )
        raised += await _from_records(
            session, region, values, start, today, falls.get(region, []), failed.get(region), assets.get(region)
        )
        households = known.get(region, 0)
        if households >= values.thresholds.regional_min_households:
            share = monitored.get(region, 0) / households
            figures = {"households": households, "monitored": monitored.get(region, 0), "share": share}
            if share > ceiling:
                raised += await _raise(
                    session,
                    region,
                    "monitored_share_high",
                    start,
                    today,
                    figures,
                    f"{share:.1%} of {households} households are monitored, above the "
                    f"{ceiling:.0%} ceiling of the jurisdiction's pack",
                )
            elif share < floor:
                raised += await _raise(
                    session,
                    region,
                    "monitored_share_low",
                    start,
                    today,
                    figures,
                    f"{share:.1%} of {households} households are monitored, far below the "
                    f"about-{values.report.scale_share:.0%} guidance: check that nobody at risk is missed "
                    "(应纳尽纳)",
                )
    return raised


def _spike(values: PackValues, now: int, base: float) -> bool:
    """A window's count is a spike: at least the pack's minimum, and above its factor x the baseline."""
    t = values.thresholds
    return now >= t.regional_spike_min_alerts and now > float(t.regional_spike_factor) * max(base, 1)


async def _from_records(
    session: AsyncSession,
    region: str,
    values: PackValues,
    start: dt.date,
    today: dt.date,
    falls: list[tuple[str, Decimal, Decimal]],
    failed: dict[str, Any] | None,
    assets: dict[str, Any] | None,
) -> list[RegionalRisk]:
    """The regional records' risks for one region, against its pack's thresholds."""
    raised = []
    share = values.thresholds.price_fall_share
    steep = [(p, before, now) for p, before, now in falls if (before - now) / before >= share]
    if steep:
        worst = max((before - now) / before for _, before, now in steep)
        listed = "; ".join(f"{p} {before:.2f} -> {now:.2f} ({(now - before) / before:.0%})" for p, before, now in steep)
        raised += await _raise(
            session,
            region,
            "price_fall",
            start,
            today,
            {"products": len(steep), "largest_fall": float(worst)},
            f"farm-product prices fell by {share:.0%} or more against the three windows before: {listed}",
        )
    floor = values.thresholds.project_failure_households
    if failed and failed["households"] >= floor:
        raised += await _raise(
            session,
            region,
            "project_failure",
            start,
            today,
            {"projects": len(failed["projects"]), "households": failed["households"]},
            f"{len(failed['projects'])} industry project(s) failed or suspended ({'、'.join(failed['projects'])}), "
            f"{failed['households']} households depending on them (threshold {floor})",
        )
    if assets:
        raised += await _raise(
            session,
            region,
            "asset_loss",
            start,
            today,
            {"projects": len(assets["projects"]), "households": assets["households"]},
            f"poverty-alleviation assets lost or idle: {'、'.join(assets['projects'])}, "
            f"{assets['households']} households depending on them",
        )
    return raised


async def _raise(
    session: AsyncSession,
    region: str,
    kind: str,
    start: dt.date,
    end: dt.date,
    figures: dict[str, float],
    explanation: str,
) -> list[RegionalRisk]:
    explanation = f"{full_name(region)}: {explanation}"
    stored = await session.execute(
        insert(RegionalRisk)
        .values(
            id=uuid.uuid4(),
            region_code=region,
            kind=kind,
            window_start=start,
            window_end=end,
            figures=figures,
            explanation=explanation,
        )
        .on_conflict_do_nothing()
        .returning(RegionalRisk)
    )
    risk = stored.scalar_one_or_none()
    if risk is None:
        return []  # raised already for this window
    await outbox.add(
        session,
        RegionalRiskRaisedV1(
            risk_id=risk.id,
            region_code=region,
            kind=kind,
            window_start=start,
            window_end=end,
            figures=figures,
            explanation=explanation,
        ),
        subject=region,
    )
    return [risk]
