"""Alerts: re-evaluate a household when its data changes; one open alert per rule, escalating; verified by
the village and township, confirmed (published for intake) or dismissed with a reason."""

import datetime as dt
import uuid

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from common.auth import Principal, Role, ensure_covers
from common.errors import Conflict, Forbidden, NotFound
from common.events.contracts.screening import AlertConfirmedV1, AlertFinding
from common.workdays import package_calendar
from screening.alerts.models import OPEN_STATES, Alert
from screening.base import outbox
from screening.config import settings
from screening.feeds.models import DeptRecord
from screening.models import KnownHousehold, KnownIncome
from screening.policies.service import NoPolicy, effective
from screening.rules.catalogue import CATALOGUE
from screening.rules.evaluate import Finding, Income, Limits, Profile, Record, evaluate

SEVERITY = {"yellow": 1, "orange": 2, "red": 3}
TRANSITIONS = {  # action: (from states, to state, roles)
    "verify": ({"open"}, "verifying", {Role.village_cadre, Role.township_officer}),
    "confirm": ({"verifying"}, "confirmed", {Role.township_officer}),
    "dismiss": ({"open", "verifying"}, "dismissed", {Role.township_officer}),
}


class IllegalAlertStep(Conflict):
    slug, title = "illegal-alert-step", "This step is not allowed in the alert's current state"


async def reevaluate(session: AsyncSession, household_id: uuid.UUID, today: dt.date | None = None) -> list[Alert]:
    household = await session.get(KnownHousehold, household_id)
    if household is None:
        return []
    today = today or dt.date.today()
    incomes = {
        i.year: Income(i.year, i.per_capita_net_income, i.total_income, i.rigid_expense)
        for i in (await session.execute(select(KnownIncome).where(KnownIncome.household_id == household_id))).scalars()
    }
    records = [
        Record(f"{r.department}:{r.record_id}@{r.revision}", r.department, r.id_index, r.event_date.year, r.facts)
        for r in (
            await session.execute(
                select(DeptRecord).where(DeptRecord.household_id == household_id, DeptRecord.superseded.is_(False))
            )
        ).scalars()
    ]
    profile = Profile(household.members, incomes)
    touched = []
    for year in sorted({r.year for r in records} | set(incomes)):
        try:
            policy, _ = await effective(session, household.region_code, year, min(today, dt.date(year, 12, 31)))
        except NoPolicy:
            continue  # no line to judge by: nothing is raised, and the operator sees no policy for the region
        limits = Limits(
            f"policy {policy.region_prefix} {policy.year} v{policy.version}",
            policy.monitoring_line,
            policy.rigid_expense_ratio,
            policy.income_drop_ratio,
            policy.medical_oop_threshold,
            policy.medical_oop_income_share,
            policy.rules,
        )
        for finding, grade in evaluate(profile, records, limits, year):
            touched.append(await _upsert(session, household, finding, grade, year, policy.id, today))
    return touched


async def _upsert(
    session: AsyncSession,
    household: KnownHousehold,
    finding: Finding,
    grade: str,
    year: int,
    policy_id: uuid.UUID,
    today: dt.date,
) -> Alert:
    alert = (
        await session.execute(
            select(Alert)
            .where(
                Alert.household_id == household.household_id, Alert.rule == finding.rule, Alert.state.in_(OPEN_STATES)
            )
            .with_for_update()
        )
    ).scalar_one_or_none()
    if alert is None:
        deadline = package_calendar().add_workdays(  # intake holds the ops-extendable calendar (ADR 0004)
            today, settings.alert_verification_working_days
        )
        alert = Alert(
            id=uuid.uuid4(),
            household_id=household.household_id,
            region_code=household.region_code,
            rule=finding.rule,
            category=CATALOGUE[finding.rule].category.value,
            grade=grade,
            year=year,
            state="open",
            explanation=finding.explanation,
            evidence=finding.evidence,
            policy_id=policy_id,
            verify_by=deadline.due,
            verify_by_assumed=deadline.assumed,
        )
        session.add(alert)
    else:  # new evidence updates the open alert, and may escalate it (never downgrade before a person looked)
        alert.explanation, alert.year, alert.policy_id = finding.explanation, year, policy_id
        alert.evidence = sorted({*alert.evidence, *finding.evidence})
        if SEVERITY[grade] > SEVERITY[alert.grade]:
            alert.grade = grade
        alert.updated_at = dt.datetime.now(dt.UTC)
    await session.flush()
    return alert


async def get(session: AsyncSession, principal: Principal, alert_id: uuid.UUID, *, lock: bool = False) -> Alert:
    q = select(Alert).where(Alert.id == alert_id)
    alert = (await session.execute(q.with_for_update() if lock else q)).scalar_one_or_none()
    if alert is None:
        raise NotFound("No such alert")
    ensure_covers(principal, alert.region_code, "alert")
    return alert


async def step(session: AsyncSession, principal: Principal, alert: Alert, action: str, note: str | None) -> Alert:
    sources, target, roles = TRANSITIONS[action]
    if alert.state not in sources:
        allowed = sorted(a for a, (s, _, _) in TRANSITIONS.items() if alert.state in s)
        raise IllegalAlertStep(
            f"Cannot {action} an alert that is {alert.state}", current_state=alert.state, allowed_actions=allowed
        )
    if principal.role not in roles and principal.role != Role.admin:
        raise Forbidden(f"{principal.role} may not {action} alerts")
    alert.state, alert.updated_at = target, dt.datetime.now(dt.UTC)
    if action in ("confirm", "dismiss"):
        alert.resolution, alert.resolved_by = note, principal.sub
    if action == "confirm":
        await outbox.add(
            session,
            AlertConfirmedV1(
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
                        evidence=alert.evidence,
                    )
                ],
                confirmed_by=principal.sub,
                confirmed_at=alert.updated_at,
            ),
            subject=alert.household_id,
        )
    await session.flush()
    return alert
