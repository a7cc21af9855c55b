"""Alerts: re-evaluate a household when its data changes; one open alert per rule, escalating; verified by
the village and township, confirmed (published for intake) or dismissed with a reason."""

import datetime as dt
import uuid
from collections import defaultdict
from collections.abc import Iterable
from types import SimpleNamespace
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from common import clock, procedure
from common.auth import Principal, ensure_covers
from common.db import among, copy_rows
from common.errors import NotFound
from common.metrics import POLICY_GAPS
from common.procedure import Events, Taken
from contracts.policy import PackValues
from contracts.screening import AlertConfirmedV1, AlertFinding
from screening.alerts.models import OPEN_STATES, Alert
from screening.alerts.procedure import VERIFICATION
from screening.feeds.models import DeptRecord
from screening.mechanisms import calendar, outbox
from screening.policies.service import full_rules, in_force_many
from screening.projections.models import KnownHousehold, KnownIncome
from screening.rules.catalogue import CATALOGUE
from screening.rules.evaluate import Finding, Income, Limits, Profile, Record, evaluate

SEVERITY = {"yellow": 1, "orange": 2, "red": 3}


# What a new alert is written with (COPY's column order); the rest take their defaults.
NEW_ALERT_COLUMNS = [
    "id",
    "household_id",
    "region_code",
    "rule",
    "category",
    "grade",
    "year",
    "state",
    "explanation",
    "explanation_zh",
    "evidence",
    "policy_id",
    "policy_basis",
    "verify_by",
    "verify_by_assumed",
    "created_at",  # from the clock, as the ORM's columns are (ADR 0016): COPY bypasses their defaults
    "updated_at",
]
LimitsInForce = dict[tuple[str, int], tuple[uuid.UUID | None, Limits, str]]


async def reevaluate_many(
    session: AsyncSession,
    household_ids: Iterable[uuid.UUID],
    today: dt.date | None = None,
    resolved: LimitsInForce | None = None,
) -> int:
    """Evaluate the rules for a set of households: their profiles, records, open alerts and policies are
    read in a handful of set-based queries (whatever the number of households), judged in memory, and new
    alerts written in one statement. `resolved`: limits the caller already looked up for this `today`
    (re-screening's prefilter), reused rather than looked up again. Returns how many alerts were raised or
    updated."""
    ids = sorted(set(household_ids))
    if not ids:
        return 0
    today = today or clock.today()
    # Plain rows, not ORM entities: this is the hot path of every feed and of re-screening.
    households = {
        h.household_id: h
        for h in await session.execute(
            select(KnownHousehold.household_id, KnownHousehold.region_code, KnownHousehold.members).where(
                among(KnownHousehold.household_id, ids)
            )
        )
    }
    incomes: dict[uuid.UUID, dict[int, Income]] = defaultdict(dict)
    for i in await session.execute(
        select(
            KnownIncome.household_id,
            KnownIncome.year,
            KnownIncome.per_capita_net_income,
            KnownIncome.total_income,
            KnownIncome.rigid_expense,
        ).where(among(KnownIncome.household_id, ids))
    ):
        incomes[i.household_id][i.year] = Income(i.year, i.per_capita_net_income, i.total_income, i.rigid_expense)
    records: dict[uuid.UUID, list[Record]] = defaultdict(list)
    for r in await session.execute(
        select(
            DeptRecord.household_id,
            DeptRecord.department,
            DeptRecord.record_id,
            DeptRecord.revision,
            DeptRecord.id_index,
            DeptRecord.event_date,
            DeptRecord.facts,
        ).where(among(DeptRecord.household_id, ids), DeptRecord.superseded.is_(False))
    ):
        records[r.household_id].append(
            Record(
                f"{r.department}:{r.record_id}@{r.revision}",
                r.department,
                r.id_index,
                r.event_date.year,
                r.facts,
                r.event_date,
            )
        )
    open_alerts = {
        (a.household_id, a.rule): a
        for a in (
            await session.execute(
                select(Alert)
                .where(among(Alert.household_id, ids), Alert.state.in_(OPEN_STATES))
                .order_by(Alert.household_id, Alert.rule)  # a stable lock order between concurrent evaluations
                .with_for_update()
            )
        ).scalars()
    }
    # A year's records and income, and the year after an income (a policy may screen on the previous year's
    # income), up to this year: never a future year.
    years = {
        h: sorted({r.year for r in records[h]} | {y for i in incomes[h] for y in (i, i + 1) if y <= today.year})
        for h in households
    }
    wanted = {(h.region_code, y) for h in households.values() for y in years[h.household_id]}
    known = resolved or {}
    limits = {**known, **await limits_in_force(session, wanted - known.keys(), today)}
    raised: dict[tuple[uuid.UUID, str], SimpleNamespace] = {}
    fired: dict[tuple[uuid.UUID, str], set[str]] = defaultdict(set)  # the evidence of what fires now
    touched = 0
    for household_id, household in households.items():
        profile = Profile(household.members, incomes[household_id])
        for year in years[household_id]:
            policy_id, policy, basis = limits[household.region_code, year]
            for finding, grade in evaluate(profile, records[household_id], policy, year):
                key, touched = (household_id, finding.rule), touched + 1
                fired[key] |= set(finding.evidence)
                if existing := open_alerts.get(key) or raised.get(key):  # raised: found again for a later year
                    _update(existing, finding, grade, year, policy_id, basis)
                else:
                    raised[key] = SimpleNamespace(
                        id=uuid.uuid4(),
                        household_id=household_id,
                        region_code=household.region_code,
                        rule=finding.rule,
                        category=CATALOGUE[finding.rule].category.value,
                        grade=grade,
                        year=year,
                        state="open",
                        explanation=finding.explanation,
                        explanation_zh=finding.explanation_zh,
                        evidence=finding.evidence,
                        policy_id=policy_id,
                        policy_basis=basis,
                        verify_within=policy.verification_working_days,
                    )
    # What the data supports now: an open alert cites the current records only (a correction replaces the
    # superseded revision), and one the corrected data no longer supports is withdrawn, saying why.
    for key, new in raised.items():
        new.evidence = sorted(fired[key])
    for key, alert in open_alerts.items():
        if key in fired:
            alert.evidence = sorted(fired[key])
        else:
            touched += 1
            await withdraw(session, alert)
    if raised:  # one COPY for the new ones, due for verification in the pack's working days
        days = await calendar.calendar(session)
        rows, now = [], clock.now()
        for a in raised.values():
            deadline = days.add_workdays(today, a.verify_within)
            a.verify_by, a.verify_by_assumed = deadline.due, deadline.assumed
            a.created_at = a.updated_at = now
            rows.append(tuple(getattr(a, c) for c in NEW_ALERT_COLUMNS))
        await copy_rows(session, Alert.__table__, NEW_ALERT_COLUMNS, rows)
    await session.flush()
    return touched


async def limits_in_force(session: AsyncSession, wanted: set[tuple[str, int]], today: dt.date) -> LimitsInForce:
    """The limits per (region, year), with the pack and its basis: the year's own pack in force today or at
    the end of a past year ("published"); else the latest earlier year's ("assumed"); else, with no pack of
    the region at all, the rules at the local defaults, without a line ("none"). A pack whose document
    states no line judges no income against one. Judging without the year's own pack is counted
    (screening_policy_gaps_total), never silent."""
    found = await in_force_many(session, {(r, y): min(today, dt.date(y, 12, 31)) for r, y in wanted})
    out: LimitsInForce = {}
    for (region, year), in_force in found.items():
        if in_force is None:
            ref = f"no policy pack published for {region} (local defaults, no income line)"
            ref_zh = "本地区未发布监测政策，按本地默认值，不判收入监测范围"
            out[region, year] = (None, limits_of(PackValues(), full_rules({}), ref, ref_zh), "none")
        else:
            p = in_force.policy
            ref = f"policy {p.jurisdiction} {p.year} v{p.version}"
            ref_zh = f"{p.jurisdiction_name or p.jurisdiction}{p.year}年监测政策（第{p.version}版）"
            if in_force.assumed:
                ref += f", assumed for {year}: no {year} policy is published"
                ref_zh += f"，{year}年政策尚未发布，暂按此执行"
            line = in_force.values.line
            if line.basis == "national_floor":  # the pack states no amount: said wherever its line is applied
                ref += f", its document states no line amount: judged by the national floor {line.amount}"
                ref_zh += f"，该政策未规定监测范围金额，按国家底线（国家扶贫标准1.5倍）{line.amount}元判断"
            basis = "assumed" if in_force.assumed else "published"
            out[region, year] = (p.id, limits_of(in_force.values, p.rules, ref, ref_zh), basis)
        if out[region, year][2] != "published":
            POLICY_GAPS.labels(region[:6], str(year), out[region, year][2]).inc()
    return out


def limits_of(values: PackValues, rules: dict[str, dict[str, Any]], ref: str, ref_zh: str = "") -> Limits:
    t = values.thresholds
    return Limits(
        ref,
        values.line.amount,
        t.rigid_expense_ratio,
        t.income_drop_ratio,
        t.medical_oop_threshold,
        t.medical_oop_income_share,
        rules,
        values.income_year_offset,
        t.alert_verification_working_days,
        t.higher_education_oop,
        disaster_loss=t.disaster_loss,
        hospital_stay_days=t.hospital_stay_days,
        microloan_overdue_days=t.microloan_overdue_days,
        policy_ref_zh=ref_zh,
    )


def _update(
    alert: Alert | SimpleNamespace, finding: Finding, grade: str, year: int, policy_id: uuid.UUID | None, basis: str
) -> None:
    """The current data updates the open alert: it may escalate it; it lowers its grade only while nobody
    has started verifying it (a correction of the records; once a person looks, only they lower it)."""
    alert.explanation, alert.year, alert.policy_id, alert.policy_basis = finding.explanation, year, policy_id, basis
    alert.explanation_zh = finding.explanation_zh
    if SEVERITY[grade] > SEVERITY[alert.grade] or (alert.state == "open" and SEVERITY[grade] < SEVERITY[alert.grade]):
        alert.grade = grade
    alert.updated_at = clock.now()


async def withdraw(session: AsyncSession, alert: Alert) -> None:
    """The records the alert rested on were corrected or withdrawn and no longer support it: the system
    withdraws it (VERIFICATION's `withdraw`, which no person takes), keeping what it said and why it ends."""
    alert.explanation = (
        f"{alert.explanation} — withdrawn: the current records no longer support it "
        f"(superseded or withdrawn: {', '.join(alert.evidence) or 'none'})"
    )
    alert.explanation_zh = f"{alert.explanation_zh}——已撤回：部门更正或撤回了所依据的数据，现有数据不再支持此预警"
    await VERIFICATION.apply(session, STEPS, alert, "withdraw", None)


async def get(session: AsyncSession, principal: Principal, alert_id: uuid.UUID, *, lock: bool = False) -> Alert:
    q = select(Alert).where(Alert.id == alert_id)
    alert = (await session.execute(q.with_for_update() if lock else q)).scalar_one_or_none()
    if alert is None:
        raise NotFound("No such alert", zh="未找到该预警")
    ensure_covers(principal, alert.region_code, "alert")
    return alert


async def step(session: AsyncSession, principal: Principal, alert: Alert, action: str, note: str | None) -> Alert:
    if action in ("confirm", "dismiss"):
        VERIFICATION.check(alert.state, action, principal, alert)  # before the resolution is written
        alert.resolution, alert.resolved_by = note, principal.sub
    await VERIFICATION.apply(session, STEPS, alert, action, principal)
    await session.flush()
    return alert


async def _write_step(session: AsyncSession, alert: Alert, taken: Taken) -> Events:
    """An alert keeps its steps in its own columns (its state, who resolved it and how); only the
    confirmation is published: it opens or joins an identification case in intake."""
    alert.updated_at = taken.at
    if taken.action != "confirm":
        return []
    confirmed = AlertConfirmedV1(
        alert_id=alert.id,
        household_id=alert.household_id,
        region_code=alert.region_code,
        grade=alert.grade,
        findings=[
            AlertFinding(
                rule=alert.rule,
                category=alert.category,
                grade=alert.grade,
                explanation=alert.explanation,
                explanation_zh=alert.explanation_zh,
                evidence=alert.evidence,
            )
        ],
        confirmed_by=taken.actor,
        confirmed_at=alert.updated_at,
    )
    return [(confirmed, alert.household_id)]


STEPS = procedure.Record(outbox, _write_step)
