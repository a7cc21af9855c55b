"""The democratic review and public notice of a plan's measures (落实帮扶措施), where the jurisdiction's pack
has them (中农组发〔2021〕7号 三(二); 《仲恺高新区健全防止返贫动态监测和帮扶机制工作方案》(2021) 三(二)): the
village reviews the drafted measures, the notice lists them for its working days, objections are filed and
resolved, and only then is the plan approved (`approve`, here: after the notice, with every measure
assigned). A review that does not pass, or an upheld objection, returns the plan to its draft, to be
reworked and reviewed again. Without a review in its pack, a plan is approved from its draft."""

import datetime as dt
import uuid
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from assistance.mechanisms import notice
from assistance.plans import service
from assistance.plans.models import Plan, PlanObjection
from assistance.plans.procedure import IllegalPlanStep
from assistance.projections.models import MonitoredCase
from common import clock
from common.auth import Principal


async def village_review(session: AsyncSession, principal: Principal, plan: Plan, review: dict[str, Any]) -> Plan:
    """The village's review of the drafted measures: on or after the county approval that made the household
    monitored (the plan was drafted then). Passed by a majority of the representatives present, else the
    plan stays a draft, the review on record."""
    procedure, _, by = await service.procedure_of(session, plan)  # one pack lookup: the step's check and its rules
    procedure.check(plan.state, "village_review", principal, plan)
    measures = await service.measures_of(session, plan.id)
    if not measures:
        raise service.PlanIncomplete(
            "A plan needs at least one measure to be reviewed", incomplete=[], zh="帮扶计划至少应有一项措施才能审核"
        )
    case = await session.get(MonitoredCase, plan.case_id)
    returned = (
        await session.execute(
            select(func.max(PlanObjection.resolved_on)).where(
                PlanObjection.plan_id == plan.id, PlanObjection.resolution == "upheld"
            )
        )
    ).scalar_one()
    clock.check_step_date(
        "meeting_date",
        dt.date.fromisoformat(review["meeting_date"]),
        not_before=returned or (case.approved_on if case else None),
        follows="the upheld objection that returned the plan" if returned else "the county approval of the case",
    )
    passed = review["votes_for"] * 2 > review["representatives_present"]
    plan.review = {**review, "passed": passed, "policy": by}
    plan.reviewed_by = principal.sub
    outcome = None if passed else "not_passed"
    await procedure.apply(session, service.STEPS, plan, "village_review", principal, plan.review, outcome=outcome)
    return plan


async def publish_notice(session: AsyncSession, principal: Principal, plan: Plan, published_on: dt.date) -> Plan:
    """The notice of the reviewed measures: from a day not before the review, for the pack's working days
    (the calendar's holidays and make-up days counted)."""
    procedure, rules, by = await service.procedure_of(session, plan)
    procedure.check(plan.state, "notice", principal, plan)
    assert plan.review is not None
    clock.check_step_date(
        "published_on",
        published_on,
        not_before=dt.date.fromisoformat(plan.review["meeting_date"]),
        follows="the village review",
    )
    due = await NOTICE.publish(session, plan, published_on, rules.notice_working_days)
    data = {
        "published_on": str(published_on),
        "until": str(due.due),
        "working_days": rules.notice_working_days,
        "calendar_assumed": due.assumed,
        "policy": by,
        "risks": plan.risks,
    }
    await procedure.apply(session, service.STEPS, plan, "notice", principal, data)
    return plan


async def object_to(session: AsyncSession, principal: Principal, plan: Plan, text: str) -> PlanObjection:
    """An objection, judged by when it is recorded: after the notice ended it is refused."""
    procedure = (await service.procedure_of(session, plan))[0]
    procedure.check(plan.state, "object", principal, plan)
    objection: PlanObjection = await NOTICE.object(session, plan, text, principal.sub)
    data = {"objection_id": str(objection.id), "objection": text}
    await procedure.apply(session, service.STEPS, plan, "object", principal, data)
    return objection


async def resolve(
    session: AsyncSession, principal: Principal, plan: Plan, objection_id: uuid.UUID, upheld: bool, note: str
) -> Plan:
    """Dismissed: the notice runs on. Upheld: the plan returns to its draft (the measures reworked, reviewed
    and noticed again); the objection and its resolution stay on record."""
    procedure = (await service.procedure_of(session, plan))[0]
    procedure.check(plan.state, "resolve", principal, plan)
    objection = await NOTICE.resolve(session, plan, objection_id, upheld, note, principal.sub)
    if upheld:
        NOTICE.withdraw(plan)
    data = {"objection_id": str(objection.id), "resolution": objection.resolution, "note": note}
    outcome = "upheld" if upheld else None
    await procedure.apply(session, service.STEPS, plan, "resolve", principal, data, outcome=outcome)
    return plan


async def approve(session: AsyncSession, principal: Principal, plan: Plan) -> Plan:
    """The approval: every measure assigned, and where the measures were publicly noticed, the notice over
    with no objection pending."""
    procedure, _, by = await service.procedure_of(session, plan)
    if plan.state == "draft" and "village_review" in procedure.by_name:
        raise IllegalPlanStep(
            f"The measures pass the village's democratic review and a public notice before approval ({by})",
            zh=f"帮扶措施须经村级民主评议和公开公示后方可批准（{by}）",
            current_state=plan.state,
            allowed_actions=procedure.allowed(plan.state),
        )
    procedure.check(plan.state, "approve", principal, plan)
    if plan.notice_until is not None:
        await NOTICE.check_over(session, plan, "批准")
    measures = await service.measures_of(session, plan.id)
    missing = [
        {"measure_id": str(m.id), "code": m.code, "missing": [f for f in ASSIGNMENT if getattr(m, f) is None]}
        for m in measures
        if any(getattr(m, f) is None for f in ASSIGNMENT)
    ]
    if not measures or missing:
        raise service.PlanIncomplete(
            "Every measure needs a responsible unit and cadre, a start and a due date"
            if measures
            else "A plan needs at least one measure",
            incomplete=missing,
            zh="每项措施都应有责任单位、责任干部、开始日期和完成期限" if measures else "帮扶计划至少应有一项措施",
        )
    plan.approved_by, plan.approved_at = principal.sub, clock.now()
    await procedure.apply(session, service.STEPS, plan, "approve", principal)
    return plan


NOTICE = notice(PlanObjection.plan_id, IllegalPlanStep, resolved_on="resolved_on")
ASSIGNMENT = ("responsible_unit", "responsible_cadre", "start_date", "due_date")
