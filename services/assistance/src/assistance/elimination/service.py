"""The risk-elimination procedure, mirroring identification: village review (only with a passing
evaluation) -> public notice with objections, for the working days of the jurisdiction's pack (where its
pack has one) -> township acceptance (the acceptance form, re-evaluated) -> county approval, single or
batch. Eliminated households are marked, never deleted."""

import datetime as dt
import uuid
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from assistance.catalogue.service import catalogue, name_of
from assistance.elimination.evaluate import Evaluation, evaluate, months_before
from assistance.elimination.facts import evaluation_for, facts
from assistance.elimination.models import Elimination, EliminationObjection
from assistance.elimination.procedure import ELIMINATION, WITHOUT_NOTICE, IllegalEliminationStep
from assistance.mechanisms import notice, outbox
from assistance.plans import service as plans
from assistance.plans.models import Plan
from assistance.projections.models import MonitoredCase, PolicyPack
from common import clock, policy
from common.auth import Principal, ensure_covers
from common.errors import Conflict, NotFound, ValidationFailed
from common.procedure import NEW, Events, Procedure, Record, Taken
from common.vocabulary import CRITERIA_ZH
from contracts.assistance import (
    EliminationEventBase,
)
from contracts.policy import EliminationPolicy, PackValues
from contracts.topics import CONTRACTS_BY_TYPE


async def variant(session: AsyncSession, e: Elimination | Plan) -> tuple[Procedure, EliminationPolicy]:
    """The procedure and the elimination part of the pack in force where the household lives, as it stood
    when the procedure began (a pack published midway does not change its course)."""
    began = clock.cst_date(e.created_at) if isinstance(e, Elimination) and e.created_at else clock.today()
    found = (await policy.packs_in_force(session, PolicyPack, {e.region_code}, began))[e.region_code]
    values = found.values.elimination if found else PackValues().elimination
    return (ELIMINATION if values.public_notice else WITHOUT_NOTICE), values


class EliminationRefused(Conflict):
    slug, title = "elimination-refused", "The household does not meet the risk-elimination criteria"
    title_zh = "该户尚不符合风险消除标准"


class StaysMonitored(Conflict):
    slug, title = "stays-monitored", "The household stays under monitoring"
    title_zh = "该户继续监测"


async def current_plan(session: AsyncSession, principal: Principal, household_id: uuid.UUID) -> Plan:
    plan = (
        await session.execute(
            select(Plan)
            .where(Plan.household_id == household_id, Plan.state.in_(("draft", "approved")))
            .order_by(Plan.created_at.desc())
            .limit(1)
        )
    ).scalar_one_or_none()
    # One answer for "no plan" and "not yours", so that nothing outside the jurisdiction is revealed.
    if plan is None:
        raise NotFound("No such household with a current plan", zh="未找到有当前帮扶计划的该户")
    ensure_covers(principal, plan.region_code, "household with a current plan")
    return plan


def _refuse(ev: Evaluation) -> None:
    if ev.stays_monitored:
        raise StaysMonitored(ev.reason, zh=ev.reason_zh, evaluation=ev.as_dict())
    if not ev.eligible:
        failing = ev.failing()
        raise EliminationRefused(
            "Not met: " + "; ".join(f"{c.code} ({c.explanation})" for c in failing),
            zh="未达到：" + "；".join(f"{CRITERIA_ZH[c.code]}（{c.explanation_zh}）" for c in failing),
            failing_criteria=[c.code for c in failing],
            evaluation=ev.as_dict(),
        )


async def propose(session: AsyncSession, principal: Principal, plan: Plan, review: dict[str, Any]) -> Elimination:
    """Village review (村级民主评议): only a household whose evaluation passes today can be proposed."""
    (await variant(session, plan))[0].check(NEW, "village_review", principal)
    await plans.check(session, plan, "propose_elimination", principal)
    open_one = (
        await session.execute(
            select(Elimination.id).where(
                Elimination.plan_id == plan.id, Elimination.state.not_in(("approved", "rejected"))
            )
        )
    ).first()
    if open_one:
        raise IllegalEliminationStep(
            "The plan is already in an elimination procedure",
            elimination_id=str(open_one[0]),
            zh="该帮扶计划已在风险消除程序中",
        )
    case = await session.get(MonitoredCase, plan.case_id)
    clock.check_step_date(
        "meeting_date",
        dt.date.fromisoformat(str(review["meeting_date"])),
        not_before=case.approved_on if case else None,
        follows="the county approval that made the household monitored",
    )
    ev = await evaluation_for(session, plan, clock.today())
    _refuse(ev)
    elimination = Elimination(
        id=uuid.uuid4(),
        plan_id=plan.id,
        household_id=plan.household_id,
        region_code=plan.region_code,
        state=NEW,
        evaluation=ev.as_dict(),
        review=review,
        reviewed_by=principal.sub,
    )
    session.add(elimination)
    await (await variant(session, plan))[0].apply(session, STEPS, elimination, "village_review", principal, review)
    return elimination


async def get(session: AsyncSession, principal: Principal, elimination_id: uuid.UUID) -> Elimination:
    e = await session.get(Elimination, elimination_id, with_for_update=True)
    if e is None:
        raise NotFound("No such elimination", zh="未找到该风险消除记录")
    ensure_covers(principal, e.region_code, "elimination")
    return e


async def publish_notice(
    session: AsyncSession, principal: Principal, e: Elimination, published_on: dt.date
) -> Elimination:
    procedure, values = await variant(session, e)
    procedure.check(e.state, "notice", principal, e)
    clock.check_step_date(
        "published_on",
        published_on,
        not_before=dt.date.fromisoformat(str(e.review["meeting_date"])),
        follows="the village review",
    )
    deadline = await NOTICE.publish(session, e, published_on, values.notice_working_days)
    plan = await session.get(Plan, e.plan_id)
    assert plan is not None
    measures = await plans.measures_of(session, plan.id)
    await procedure.apply(
        session,
        STEPS,
        e,
        "notice",
        principal,
        {
            "published_on": str(published_on),
            "until": str(deadline.due),
            # What the village notice lists (附件5: 返贫致贫风险, 主要帮扶措施), as the plan has them.
            "risks": plan.risks,
            "measure_names": [name_of(m.code) for m in measures],
        },
    )
    return e


async def object_to(session: AsyncSession, principal: Principal, e: Elimination, text: str) -> EliminationObjection:
    procedure = (await variant(session, e))[0]
    procedure.check(e.state, "object", principal, e)
    objection: EliminationObjection = await NOTICE.object(session, e, text, principal.sub)
    # What was objected is part of the procedure's record (the dossier shows it; the ledger blanks anything
    # shaped like an identifier in it).
    data = {"objection_id": str(objection.id), "objection": text}
    await procedure.apply(session, STEPS, e, "object", principal, data)
    return objection


async def resolve(
    session: AsyncSession, principal: Principal, e: Elimination, objection_id: uuid.UUID, upheld: bool, note: str
) -> Elimination:
    procedure = (await variant(session, e))[0]
    procedure.check(e.state, "resolve", principal, e)
    objection = await NOTICE.resolve(session, e, objection_id, upheld, note, principal.sub)
    data = {"objection_id": str(objection.id), "resolution": objection.resolution, "note": note}
    await procedure.apply(session, STEPS, e, "resolve", principal, data)
    if upheld:  # the objection stands: the household stays monitored and its plan goes on
        e.rejected_reason = f"objection upheld: {note}"
        await procedure.apply(session, STEPS, e, "reject", principal, {"reason": e.rejected_reason})
    return e


async def accept(session: AsyncSession, principal: Principal, e: Elimination, form: dict[str, Any]) -> Elimination:
    """Township acceptance: after the notice ran its course with no open objection, and the criteria still
    hold on the acceptance date. The form's data fields come from the records, entered once."""
    procedure = (await variant(session, e))[0]
    procedure.check(e.state, "accept", principal, e)
    accepted_on: dt.date = form["accepted_on"]
    if e.notice_until is not None:
        NOTICE.check_ended(e, "验收")
        clock.check_step_date("accepted_on", accepted_on, after=e.notice_until, follows="the end of the notice")
    else:  # the jurisdiction's procedure has no notice: the acceptance follows the village review
        meeting = dt.date.fromisoformat(str(e.review["meeting_date"]))
        clock.check_step_date("accepted_on", accepted_on, not_before=meeting, follows="the village review")
    if not form["head_signed"]:
        raise ValidationFailed(
            "The head of household must sign the acceptance form (户主签字认可) before the township accepts",
            errors=[
                {
                    "field": "head_signed",
                    "message": "must be true: the head's signed agreement",
                    "type": "value_error",
                    "message_zh": "须为是：户主已签字认可",
                }
            ],
            zh="乡镇验收前，户主须在验收表上签字认可",
        )
    if e.notice_until is not None:  # after the form's own checks: a date inside the notice is the form's error
        await NOTICE.check_resolved(session, e)
    plan = await session.get(Plan, e.plan_id)
    assert plan is not None
    f = await facts(session, plan, accepted_on)
    ev = evaluate(f, accepted_on)
    _refuse(ev)
    case = await session.get(MonitoredCase, plan.case_id)
    income = next(c for c in ev.criteria if c.code == "income_stable")
    twelve = set(months_before(accepted_on, 12))
    e.acceptance = {
        **{k: (str(v) if isinstance(v, dt.date) else v) for k, v in form.items()},
        "object_type": case.object_type if case else None,
        "original_risks": plan.risks,
        "measure_classes": sorted({catalogue()[m.code].measure_class for m in f.measures if m.code in catalogue()}),
        "measures": [m.code for m in f.measures],
        # The form's words: each measure's name, and the 12 months' per-capita income as an amount.
        "measure_names": [name_of(m.code) for m in f.measures],
        "income_12_months_total": str(sum((m.per_capita for m in f.months if m.month in twelve), Decimal(0))),
        "income_12_months": income.explanation,
        "criteria": {c.code: c.met for c in ev.criteria},
    }
    e.accepted_by, e.evaluation = principal.sub, ev.as_dict()
    await procedure.apply(session, STEPS, e, "accept", principal, e.acceptance)
    return e


async def approve(
    session: AsyncSession, principal: Principal, e: Elimination, approval_no: str, approved_on: dt.date
) -> Elimination:
    procedure = (await variant(session, e))[0]
    procedure.check(e.state, "approve", principal, e)  # four eyes: not by who reviewed or accepted it
    assert e.acceptance is not None
    clock.check_step_date(
        "approved_on",
        approved_on,
        not_before=dt.date.fromisoformat(e.acceptance["accepted_on"]),
        follows="the township acceptance",
    )
    e.approval_no, e.approved_by, e.approved_on = approval_no, principal.sub, approved_on
    await procedure.apply(
        session,
        STEPS,
        e,
        "approve",
        principal,
        {
            "approval_no": approval_no,
            "approved_on": str(approved_on),
            # What the approval's list shows, as the township accepted it.
            "risks": e.acceptance.get("original_risks", []),
            "measure_names": e.acceptance.get("measure_names", []),
        },
    )
    plan = await session.get(Plan, e.plan_id, with_for_update=True)
    assert plan is not None
    await plans.close(session, principal, plan)
    return e


async def _write_step(session: AsyncSession, e: Elimination, taken: Taken) -> Events:
    """An elimination keeps its steps in its own columns; each is published with the step's record."""
    e.updated_at = taken.at
    await session.flush()
    event = CONTRACTS_BY_TYPE[taken.step.event or ""]
    assert issubclass(event, EliminationEventBase)
    published = event(
        elimination_id=e.id,
        household_id=e.household_id,
        plan_id=e.plan_id,
        region_code=e.region_code,
        state=e.state,
        previous_state=taken.previous,
        actor=taken.actor,
        actor_role=taken.role,
        actor_name=taken.actor_name,
        occurred_at=taken.at,
        data=taken.data,
    )
    return [(published, e.household_id)]


STEPS = Record(outbox, _write_step)
NOTICE = notice(EliminationObjection.elimination_id, IllegalEliminationStep)
