"""Plans: drafted with recommendations when a case is approved, adjusted and approved by officers, their
measures tracked with evidence; excluded cases (not-assisted rules) get no plan."""

import datetime as dt
import uuid
from types import SimpleNamespace
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from assistance.catalogue.models import MeasureExtension
from assistance.catalogue.service import catalogue, name_of
from assistance.departments import service as departments
from assistance.mechanisms import outbox
from assistance.plans.income import stable_incomes
from assistance.plans.models import IN_FORCE, Plan, PlanMeasure
from assistance.plans.procedure import MEASURE, STEP_TO, variant
from assistance.plans.recommend import household_labour, recommend
from assistance.projections.models import KnownHousehold, MonitoredCase, PolicyPack
from common import clock, policy
from common.auth import Principal, ensure_household
from common.db import among, copy_rows
from common.errors import Conflict, NotFound, ValidationFailed
from common.procedure import Events, Procedure, Record, Taken
from contracts.assistance import (
    MeasureEvidence,
    PlanDraftedV1,
    PlanEventBase,
    PlanMeasureFacts,
    PlanMeasureWithdrawnV1,
)
from contracts.policy import LOCAL_DEFAULT, Measures, PackValues
from contracts.topics import CONTRACTS_BY_TYPE


class MeasureWithdrawn(Conflict):
    slug, title = "measure-withdrawn", "The measure was withdrawn from the plan"
    title_zh = "该帮扶措施已从计划中撤回"


class PlanIncomplete(Conflict):
    slug, title = "plan-incomplete", "The plan cannot be approved yet"
    title_zh = "帮扶计划尚不能批准"


# What a drafted plan and its recommended measures are written with (COPY's column order).
# created_at and updated_at from the clock, as the ORM's columns are (ADR 0016): COPY bypasses their defaults.
PLAN_COLUMNS = [
    *("id", "case_id", "household_id", "region_code", "state", "risks", "labour", "weak_motivation"),
    *("created_at", "updated_at"),
]
MEASURE_COLUMNS = [
    *("id", "plan_id", "code", "reason", "risks", "recommended", "responsible_unit", "status", "evidence"),
    "updated_at",
]


async def draft_for_cases(session: AsyncSession, cases: list[MonitoredCase]) -> int:
    """Draft plans for newly approved cases (once per case), with their recommendations: a handful of
    statements for the whole batch, the plans and measures written with COPY (building ORM entities and
    flushing them measured a third of the drafting). Returns how many were drafted."""
    if not cases:
        return 0
    drafted = set(
        (await session.execute(select(Plan.case_id).where(among(Plan.case_id, [c.case_id for c in cases])))).scalars()
    )
    households: dict[uuid.UUID, list[dict[str, Any]]] = dict(
        (
            await session.execute(
                select(KnownHousehold.household_id, KnownHousehold.members).where(
                    among(KnownHousehold.household_id, list({c.household_id for c in cases}))
                )
            )
        ).all()
    )
    packs = await policy.packs_in_force(session, PolicyPack, {c.region_code for c in cases}, clock.today())
    stable = await stable_incomes(session, {c.household_id: c.region_code for c in cases}, packs)
    plans, measures, events = [], [], []
    now = clock.now()
    for case in cases:
        if case.case_id in drafted:
            continue
        drafted.add(case.case_id)
        members = households.get(case.household_id)
        plan = SimpleNamespace(
            id=uuid.uuid4(),
            case_id=case.case_id,
            household_id=case.household_id,
            region_code=case.region_code,
            state="draft",
            risks=list(dict.fromkeys(r["category"] for r in case.risks)),
            # Registration normally arrives long before approval; if not yet, the draft is redone when it does.
            labour=household_labour(members) if members is not None else "unknown",
            weak_motivation=case.weak_motivation,
            excluded_reason=None,
            created_at=now,
            updated_at=now,
        )
        recommended = _recommended(plan, _referral(packs[plan.region_code]), stable[plan.household_id])
        plans.append(plan)
        measures += recommended
        events.append(_event(PlanDraftedV1, plan, recommended, "system", now))
    await copy_rows(session, Plan.__table__, PLAN_COLUMNS, (_row(p, PLAN_COLUMNS) for p in plans))
    await copy_rows(session, PlanMeasure.__table__, MEASURE_COLUMNS, (_row(m, MEASURE_COLUMNS) for m in measures))
    await emit(session, events)
    return len(plans)


def _row(thing: SimpleNamespace, columns: list[str]) -> tuple[Any, ...]:
    return tuple(getattr(thing, c) for c in columns)


async def redraft_unknown_labour(session: AsyncSession, household: KnownHousehold) -> None:
    """Drafts made before the household's facts arrived are recommended again, now that they have."""
    for plan in (
        await session.execute(
            select(Plan).where(
                Plan.household_id == household.household_id, Plan.state == "draft", Plan.labour == "unknown"
            )
        )
    ).scalars():
        plan.labour = household_labour(household.members)
        stale = [m for m in await measures_of(session, plan.id) if m.recommended]
        await withdraw(session, plan, stale, "system", "redrafted: the household's labour capacity is now known")
        found = await policy.packs_in_force(session, PolicyPack, {plan.region_code}, clock.today())
        stable = await stable_incomes(session, {plan.household_id: plan.region_code}, found)
        referral = _referral(found[plan.region_code])
        session.add_all(PlanMeasure(**vars(m)) for m in _recommended(plan, referral, stable[plan.household_id]))
        await session.flush()


def _referral(found: policy.InForce[PolicyPack] | None) -> tuple[str, ...]:
    return tuple(found.values.measures.no_labour_referral) if found else ("none",)


def _recommended(
    plan: Plan | SimpleNamespace, referral: tuple[str, ...], stable_income: bool | None = None
) -> list[SimpleNamespace]:
    """The recommended measures, as the values of their rows (a new draft COPYs them; a redraft adds them as
    entities)."""
    labour, now = ("none" if plan.labour == "unknown" else plan.labour), clock.now()
    return [
        SimpleNamespace(
            id=uuid.uuid4(),
            plan_id=plan.id,
            code=r.code,
            reason=r.reason,
            risks=list(r.risks),
            recommended=True,
            responsible_unit=catalogue()[r.code].department,
            status="planned",
            evidence=[],
            responsible_cadre=None,
            start_date=None,
            due_date=None,
            implemented_on=None,
            updated_at=now,
        )
        for r in recommend(plan.risks, labour, plan.weak_motivation, referral, stable_income)
    ]


async def measures_of(session: AsyncSession, plan_id: uuid.UUID, *, withdrawn: bool = False) -> list[PlanMeasure]:
    """A plan's measures in force (and, with `withdrawn`, those taken out of it too)."""
    q = select(PlanMeasure).where(PlanMeasure.plan_id == plan_id).order_by(PlanMeasure.code, PlanMeasure.id)
    q = q if withdrawn else q.where(IN_FORCE)
    return list((await session.execute(q)).scalars())


async def _write_step(session: AsyncSession, plan: Plan, taken: Taken) -> Events:
    """A step of the plan: published with its measures as they stand and the step's own record."""
    plan.updated_at = taken.at
    await session.flush()
    measures = await measures_of(session, plan.id)
    event = CONTRACTS_BY_TYPE[taken.step.event or ""]
    assert issubclass(event, PlanEventBase)
    return await _with_lists(
        session, [_event(event, plan, measures, taken.actor, taken.at, data=taken.data, actor_name=taken.actor_name)]
    )


async def _write_measure_step(session: AsyncSession, measure: PlanMeasure, taken: Taken) -> Events:
    """A measure's step is published by its plan's (`report_progress`), with every measure as it stands."""
    measure.updated_at = taken.at
    return []


STEPS, MEASURE_STEPS = Record(outbox, _write_step), Record(outbox, _write_measure_step)


async def emit(session: AsyncSession, events: list[PlanEventBase]) -> None:
    """Plan events that are not a step of the procedure (a drafting, a withdrawal) leave the same way."""
    await outbox.add_many(session, await _with_lists(session, events))


async def _with_lists(session: AsyncSession, events: list[PlanEventBase]) -> Events:
    """Each plan event on the plan topic, and with it the department-list entries it changes
    (assistance.department-list.v1), in the same transaction."""
    if not events:
        return []
    numbers = dict(
        (
            await session.execute(
                select(KnownHousehold.household_id, KnownHousehold.household_no).where(
                    KnownHousehold.household_id.in_({e.household_id for e in events})
                )
            )
        ).all()
    )
    out: list[tuple[Any, uuid.UUID]] = []
    for e in events:
        out.append((e, e.household_id))
        out += [(entry, e.household_id) for entry in departments.entries(e, numbers.get(e.household_id))]
    return out


def _facts(m: PlanMeasure | SimpleNamespace) -> PlanMeasureFacts:
    """A measure as the log keeps it: what, who, when, and the evidence of its progress (the dossier's)."""
    return PlanMeasureFacts(
        measure_id=m.id,
        code=m.code,
        status=m.status,
        responsible_unit=m.responsible_unit,
        due_date=m.due_date,
        name=name_of(m.code),
        responsible_cadre=m.responsible_cadre,
        start_date=m.start_date,
        implemented_on=m.implemented_on,
        evidence=[
            MeasureEvidence.model_validate({**e, "amount": None if e.get("amount") is None else str(e["amount"])})
            for e in m.evidence
        ],
    )


def _event(
    event: type[PlanEventBase],
    plan: Plan | SimpleNamespace,
    measures: list[PlanMeasure] | list[SimpleNamespace],
    actor: str,
    at: dt.datetime,
    **extra: Any,
) -> PlanEventBase:
    return event(
        plan_id=plan.id,
        household_id=plan.household_id,
        case_id=plan.case_id,
        region_code=plan.region_code,
        state=plan.state,
        measures=[_facts(m) for m in measures],
        excluded_reason=plan.excluded_reason,
        risks=list(plan.risks),
        actor=actor,
        occurred_at=at,
        **extra,
    )


async def procedure_of(session: AsyncSession, plan: Plan) -> tuple[Procedure, Measures, str]:
    """The plan's procedure (with the measures' review and notice or without), its pack's measure rules and
    the pack's reference: the pack in force where the household lives on the day the plan was drafted (a pack
    published midway does not change its course)."""
    drafted = clock.cst_date(plan.created_at) if plan.created_at else clock.today()
    found = (await policy.packs_in_force(session, PolicyPack, {plan.region_code}, drafted))[plan.region_code]
    values = found.values.measures if found else PackValues().measures
    by = (found.source_of("measures.public_review") or found.pack.ref) if found else LOCAL_DEFAULT
    return variant(values.public_review), values, by


async def check(session: AsyncSession, plan: Plan, action: str, principal: Principal) -> None:
    """A step of the plan's procedure, as its pack has it (the one check every plan step takes)."""
    (await procedure_of(session, plan))[0].check(plan.state, action, principal, plan)


async def get(session: AsyncSession, principal: Principal, plan_id: uuid.UUID, *, lock: bool = False) -> Plan:
    q = select(Plan).where(Plan.id == plan_id)
    plan = (await session.execute(q.with_for_update() if lock else q)).scalar_one_or_none()
    if plan is None:
        raise NotFound("No such plan", zh="未找到该帮扶计划")
    ensure_household(principal, plan.household_id, plan.region_code, "plan")  # a household: only its own
    return plan


async def known_measure(session: AsyncSession, code: str, region_code: str) -> str:
    """A catalogue code, or a measure the household's jurisdiction added; its responsible department."""
    if code in catalogue():
        return catalogue()[code].department
    ext = await session.get(MeasureExtension, code)
    if ext is None or not region_code.startswith(ext.region_prefix):
        raise ValidationFailed(
            "Unknown measure",
            errors=[
                {
                    "field": "code",
                    "message": f"{code} is not in the catalogue here",
                    "message_zh": f"{code} 不在本地措施目录中",
                }
            ],
            zh="未知的帮扶措施",
        )
    return ext.department


async def _check_one_risk_one_measure(session: AsyncSession, plan: Plan, body: dict[str, Any]) -> str:
    """One risk, one measure (中农组发〔2021〕7号 四(二): 对风险单一的，实施单项措施，防止陷入福利陷阱), where the
    jurisdiction's pack says so: a second measure for a risk a measure already answers needs its reason
    recorded (`stacking_reason`). The reason to record, with the risks it stacks on."""
    found = (await policy.packs_in_force(session, PolicyPack, {plan.region_code}, clock.today()))[plan.region_code]
    if not (found.values.measures.one_risk_one_measure if found else False):
        return body["reason"]
    assert found is not None
    by = found.source_of("measures.one_risk_one_measure") or found.pack.ref
    risks = body.get("risks") or (plan.risks if len(plan.risks) == 1 else [])
    answered = {
        r
        for m in await measures_of(session, plan.id)
        for r in (*m.risks, *(catalogue()[m.code].addresses if m.code in catalogue() else ()))
    }
    stacked = sorted(set(risks) & answered)
    if not stacked:
        return body["reason"]
    if not body.get("stacking_reason"):
        raise ValidationFailed(
            f"One risk, one measure ({by}): {', '.join(stacked)} already has a "
            "measure; a second one needs its reason recorded",
            errors=[
                {
                    "field": "stacking_reason",
                    "message": "required to stack a measure",
                    "type": "value_error",
                    "message_zh": "叠加措施须填写原因",
                }
            ],
            zh="一个风险原则上对应一项措施：该风险已有措施，再加一项须填写叠加原因",
        )
    return f"{body['reason']} (a second measure for {', '.join(stacked)}: {body['stacking_reason']})"


async def add_measure(session: AsyncSession, principal: Principal, plan: Plan, body: dict[str, Any]) -> PlanMeasure:
    await check(session, plan, "add_measure", principal)
    department = await known_measure(session, body["code"], plan.region_code)
    reason = await _check_one_risk_one_measure(session, plan, body)
    measure = PlanMeasure(
        plan_id=plan.id,
        code=body["code"],
        reason=reason,
        risks=body.get("risks") or [],
        recommended=False,
        responsible_unit=body.get("responsible_unit") or department,
        responsible_cadre=body.get("responsible_cadre"),
        start_date=body.get("start_date"),
        due_date=body.get("due_date"),
        status="planned",
    )
    _check_dates(measure)
    session.add(measure)
    plan.updated_at = clock.now()
    await session.flush()
    return measure


async def measure_of(session: AsyncSession, plan: Plan, measure_id: uuid.UUID) -> PlanMeasure:
    measure = await session.get(PlanMeasure, measure_id, with_for_update=True)
    if measure is None or measure.plan_id != plan.id:
        raise NotFound("No such measure in this plan", zh="该帮扶计划中没有这项措施")
    return measure


def _check_dates(m: PlanMeasure) -> None:
    if m.start_date and m.due_date and m.due_date < m.start_date:
        raise ValidationFailed(
            "The due date is before the start",
            errors=[{"field": "due_date", "message": "must not precede start_date", "message_zh": "不能早于开始日期"}],
            zh="完成期限早于开始日期",
        )


async def assign(
    session: AsyncSession, principal: Principal, plan: Plan, measure: PlanMeasure, changes: dict[str, Any]
) -> PlanMeasure:
    await check(session, plan, "assign_measure", principal)
    ensure_in_force(measure)
    for field, value in changes.items():
        setattr(measure, field, value)
    _check_dates(measure)
    measure.updated_at = clock.now()
    await session.flush()
    return measure


def ensure_in_force(measure: PlanMeasure) -> None:
    if measure.withdrawn_at is not None:
        raise MeasureWithdrawn(
            f"The measure was withdrawn on {measure.withdrawn_at:%Y-%m-%d}: {measure.withdrawn_reason}",
            withdrawn_by=measure.withdrawn_by,
            zh=f"该措施已于{measure.withdrawn_at:%Y-%m-%d}撤回：{measure.withdrawn_reason}",
        )


async def withdraw_measure(
    session: AsyncSession, principal: Principal, plan: Plan, measure: PlanMeasure, reason: str
) -> PlanMeasure:
    """Take a measure out of a draft (a recommendation the officers do not follow): kept, with who and why."""
    await check(session, plan, "withdraw_measure", principal)
    ensure_in_force(measure)
    await withdraw(session, plan, [measure], principal.sub, reason)
    return measure


async def withdraw(session: AsyncSession, plan: Plan, measures: list[PlanMeasure], actor: str, reason: str) -> None:
    """The one way measures leave a plan: marked withdrawn and published, never deleted."""
    if not measures:
        return
    now = clock.now()
    for m in measures:
        m.withdrawn_at, m.withdrawn_by, m.withdrawn_reason, m.updated_at = now, actor, reason, now
    await session.flush()
    in_force = await measures_of(session, plan.id)
    withdrawn = [_facts(m) for m in measures]
    event = _event(PlanMeasureWithdrawnV1, plan, in_force, actor, now, reason=reason, withdrawn=withdrawn)
    await emit(session, [event])


async def progress(
    session: AsyncSession, principal: Principal, plan: Plan, measure: PlanMeasure, status: str, evidence: list[dict]
) -> PlanMeasure:
    procedure = (await procedure_of(session, plan))[0]
    procedure.check(plan.state, "report_progress", principal, plan)
    ensure_in_force(measure)
    if status != measure.status:  # the same status again only adds evidence
        MEASURE.check(measure.status, STEP_TO[status], principal, measure)
    now = clock.now()
    measure.evidence = [*measure.evidence, *({**e, "by": principal.sub, "at": now.isoformat()} for e in evidence)]
    if status == "implemented" and measure.status != "implemented":
        measure.implemented_on = clock.cst_date(now)  # the Beijing date it was reported carried out
    measure.updated_at = now
    if status != measure.status:
        await MEASURE.apply(session, MEASURE_STEPS, measure, STEP_TO[status], principal)
    await session.flush()
    await procedure.apply(session, STEPS, plan, "report_progress", principal)
    return measure


async def close(session: AsyncSession, principal: Principal, plan: Plan) -> None:
    """Closed by the county's approval of the household's risk elimination."""
    plan.closed_at = clock.now()
    await (await procedure_of(session, plan))[0].apply(session, STEPS, plan, "close", principal)
