import uuid
from typing import Annotated

from fastapi import APIRouter, Query, Response
from sqlalchemy import select

from assistance.elimination.schemas import Notice, ObjectionIn, Resolution
from assistance.mechanisms import FOLLOW_UP, audit, calendar
from assistance.plans import not_assisted, review, service
from assistance.plans.models import IN_FORCE, Plan, PlanMeasure, PlanObjection
from assistance.plans.procedure import IllegalPlanStep
from assistance.plans.schemas import (
    Assignment,
    Exclusion,
    MeasureAdd,
    MeasurePublic,
    MeasuresReview,
    NotAssistedFinding,
    OverdueMeasure,
    PlanDetail,
    PlanObjectionPublic,
    PlanPublic,
    Progress,
    Withdrawal,
)
from assistance.plans.service import PlanIncomplete
from common import clock
from common.access import PlansObject, PlansRead, PlansWrite, within
from common.access_audit import audited
from common.clock import Day
from common.concurrency import (
    IfMatch,
    IfMatchRequired,
    PreconditionFailed,
    PreconditionRequired,
    check_if_match,
    tag,
)
from common.db import SessionDep
from common.errors import Forbidden, NotFound, ValidationFailed, problem_responses
from common.pagination import CursorQuery, Filters, LimitQuery, Page, keyset, page_of, page_rows

router = APIRouter(tags=["plans"])
CHANGE_PROBLEMS = problem_responses(Forbidden, NotFound, IllegalPlanStep, ValidationFailed)
MEASURE_PROBLEMS = problem_responses(Forbidden, NotFound, IllegalPlanStep, ValidationFailed, PreconditionFailed)
ASSIGN_PROBLEMS = problem_responses(
    Forbidden, NotFound, IllegalPlanStep, ValidationFailed, PreconditionFailed, PreconditionRequired
)


async def _detail(session: SessionDep, plan: Plan) -> PlanDetail:
    measures = await service.measures_of(session, plan.id, withdrawn=True)
    return PlanDetail(
        **PlanPublic.model_validate(plan).model_dump(),
        measures=[MeasurePublic.model_validate(m) for m in measures if m.withdrawn_at is None],
        withdrawn_measures=[MeasurePublic.model_validate(m) for m in measures if m.withdrawn_at is not None],
    )


@router.get("/plans", response_model=Page[PlanPublic])
async def list_plans(
    session: SessionDep, principal: PlansRead, filters: Filters, limit: LimitQuery = 50, cursor: CursorQuery = None
) -> Page[PlanPublic]:
    """Plans within my jurisdiction, oldest first: drafts waiting for officers, approved plans under way."""
    items, next_cursor = await filters.page(session, Plan, principal, cursor, limit)
    return Page(items=[PlanPublic.model_validate(p) for p in items], next_cursor=next_cursor)


@router.get(
    "/plans/{plan_id}",
    response_model=PlanDetail,
    responses=problem_responses(Forbidden, NotFound),
    openapi_extra=audited("assistance plan"),
)
async def get_plan(plan_id: uuid.UUID, session: SessionDep, principal: PlansRead) -> PlanDetail:
    """A plan with its measures, each with the reason it was recommended or added (an audited read)."""
    plan = await service.get(session, principal, plan_id)
    await audit.read(session, principal, plan.household_id, plan.region_code, "assistance plan", FOLLOW_UP)
    return await _detail(session, plan)


@router.post("/plans/{plan_id}/measures", status_code=201, response_model=MeasurePublic, responses=CHANGE_PROBLEMS)
async def add_measure(
    plan_id: uuid.UUID, body: MeasureAdd, session: SessionDep, principal: PlansWrite
) -> MeasurePublic:
    """Add a measure to a draft (a catalogue code or one of the jurisdiction's own)."""
    plan = await service.get(session, principal, plan_id, lock=True)
    return MeasurePublic.model_validate(await service.add_measure(session, principal, plan, body.model_dump()))


@router.patch("/plans/{plan_id}/measures/{measure_id}", response_model=MeasurePublic, responses=ASSIGN_PROBLEMS)
async def assign_measure(
    plan_id: uuid.UUID,
    measure_id: uuid.UUID,
    body: Assignment,
    session: SessionDep,
    principal: PlansWrite,
    response: Response,
    if_match: IfMatchRequired,
) -> MeasurePublic:
    """Set a measure's responsible unit and cadre, start and due date. `If-Match` (the measure's `etag` as
    read) is required: without it, or with `*`, the change is refused with 428 (RFC 6585), and a measure
    changed meanwhile answers 412."""
    plan = await service.get(session, principal, plan_id, lock=True)
    measure = await service.measure_of(session, plan, measure_id)
    check_if_match(if_match, MeasurePublic.model_validate(measure).version_token())
    changed = MeasurePublic.model_validate(
        await service.assign(session, principal, plan, measure, body.model_dump(exclude_unset=True))
    )
    tag(response, changed.version_token())
    return changed


@router.post(
    "/plans/{plan_id}/measures/{measure_id}/withdrawal",
    response_model=MeasurePublic,
    responses=problem_responses(Forbidden, NotFound, IllegalPlanStep, service.MeasureWithdrawn, ValidationFailed),
)
async def withdraw_measure(
    plan_id: uuid.UUID, measure_id: uuid.UUID, body: Withdrawal, session: SessionDep, principal: PlansWrite
) -> MeasurePublic:
    """Withdraw a measure from a draft (a recommendation the officers do not follow). Nothing is deleted:
    the measure stays on the plan's record with who withdrew it and why, and
    `assistance.plan.measure-withdrawn` is published."""
    plan = await service.get(session, principal, plan_id, lock=True)
    measure = await service.measure_of(session, plan, measure_id)
    return MeasurePublic.model_validate(await service.withdraw_measure(session, principal, plan, measure, body.reason))


@router.post("/plans/{plan_id}/review", response_model=PlanDetail, responses=CHANGE_PROBLEMS)
async def review_measures(
    plan_id: uuid.UUID, body: MeasuresReview, session: SessionDep, principal: PlansWrite
) -> PlanDetail:
    """The village's democratic review of the drafted measures (落实帮扶措施 民主评议), where the pack has it:
    on or after the county approval that made the household monitored. Passed by more than half of the
    representatives present; a review that does not pass is recorded and the plan stays a draft."""
    plan = await service.get(session, principal, plan_id, lock=True)
    return await _detail(session, await review.village_review(session, principal, plan, body.model_dump(mode="json")))


@router.post("/plans/{plan_id}/notice", response_model=PlanDetail, responses=CHANGE_PROBLEMS)
async def publish_measures_notice(
    plan_id: uuid.UUID, body: Notice, session: SessionDep, principal: PlansWrite
) -> PlanDetail:
    """Publish the reviewed measures' notice (公开公示): objections run for the pack's working days; the plan
    is approved after its last day."""
    plan = await service.get(session, principal, plan_id, lock=True)
    return await _detail(session, await review.publish_notice(session, principal, plan, body.published_on))


@router.post(
    "/plans/{plan_id}/objections",
    status_code=201,
    response_model=PlanObjectionPublic,
    responses=problem_responses(Forbidden, NotFound, IllegalPlanStep, clock.NoticeOver, ValidationFailed),
)
async def object_to_measures(
    plan_id: uuid.UUID, body: ObjectionIn, session: SessionDep, principal: PlansObject
) -> PlanObjectionPublic:
    """An objection to the measures' notice, judged by when it is recorded: after the notice ended, 409."""
    plan = await service.get(session, principal, plan_id, lock=True)
    return PlanObjectionPublic.model_validate(await review.object_to(session, principal, plan, body.text))


@router.get(
    "/plans/{plan_id}/objections",
    response_model=Page[PlanObjectionPublic],
    responses=problem_responses(Forbidden, NotFound),
)
async def list_measures_objections(
    plan_id: uuid.UUID, session: SessionDep, principal: PlansRead, cursor: CursorQuery = None, limit: LimitQuery = 100
) -> Page[PlanObjectionPublic]:
    """The objections filed during the measures' notice, oldest first."""
    await service.get(session, principal, plan_id)
    q = select(PlanObjection).where(PlanObjection.plan_id == plan_id)
    rows, next_cursor = await page_rows(session, q, (PlanObjection.filed_at, PlanObjection.id), cursor, limit)
    return Page(items=[PlanObjectionPublic.model_validate(o) for o in rows], next_cursor=next_cursor)


@router.post(
    "/plans/{plan_id}/objections/{objection_id}/resolution", response_model=PlanDetail, responses=CHANGE_PROBLEMS
)
async def resolve_measures_objection(
    plan_id: uuid.UUID, objection_id: uuid.UUID, body: Resolution, session: SessionDep, principal: PlansWrite
) -> PlanDetail:
    """Dismiss an objection (the notice runs on) or uphold it (the plan returns to its draft, to be reworked,
    reviewed and noticed again)."""
    plan = await service.get(session, principal, plan_id, lock=True)
    return await _detail(session, await review.resolve(session, principal, plan, objection_id, body.upheld, body.note))


@router.post(
    "/plans/{plan_id}/approval",
    response_model=PlanDetail,
    responses=problem_responses(Forbidden, NotFound, IllegalPlanStep, PlanIncomplete),
)
async def approve_plan(plan_id: uuid.UUID, session: SessionDep, principal: PlansWrite) -> PlanDetail:
    """Approve the plan: every measure must name its responsible unit and cadre, a start and a due date; where
    the pack has the measures' review and notice, after the notice's last day with no objection pending."""
    plan = await service.get(session, principal, plan_id, lock=True)
    return await _detail(session, await review.approve(session, principal, plan))


@router.post("/plans/{plan_id}/exclusion", response_model=PlanDetail, responses=CHANGE_PROBLEMS)
async def exclude_plan(plan_id: uuid.UUID, body: Exclusion, session: SessionDep, principal: PlansWrite) -> PlanDetail:
    """The household falls under an item of its pack's not-assisted list that excludes the household: the
    reason is recorded and there is no plan. An item that excludes a measure or an expense is a finding
    (`/not-assisted`), not an exclusion."""
    plan = await service.get(session, principal, plan_id, lock=True)
    return await _detail(session, await not_assisted.exclude(session, principal, plan, body.reason, body.note))


@router.post("/plans/{plan_id}/not-assisted", response_model=PlanDetail, responses=CHANGE_PROBLEMS)
async def record_not_assisted(
    plan_id: uuid.UUID, body: NotAssistedFinding, session: SessionDep, principal: PlansWrite
) -> PlanDetail:
    """A not-assisted finding of the jurisdiction's pack (宁开办发〔2020〕8号 五(八): 不予帮扶): the measures it
    concerns leave the plan, kept with who and why, or the expense it concerns is recorded as excluded (the
    rigid-expense criterion leaves it out). The plan and its other measures stay."""
    plan = await service.get(session, principal, plan_id, lock=True)
    return await _detail(session, await not_assisted.record_not_assisted(session, principal, plan, body.model_dump()))


@router.post(
    "/plans/{plan_id}/measures/{measure_id}/progress", response_model=MeasurePublic, responses=MEASURE_PROBLEMS
)
async def report_progress(
    plan_id: uuid.UUID,
    measure_id: uuid.UUID,
    body: Progress,
    session: SessionDep,
    principal: PlansWrite,
    response: Response,
    if_match: IfMatch = None,
) -> MeasurePublic:
    """Move a measure on (planned -> in progress -> implemented / failed) with its evidence: amounts, dates,
    documents by their sha256. With `If-Match` (the measure's `etag`), a measure changed meanwhile answers 412."""
    plan = await service.get(session, principal, plan_id, lock=True)
    measure = await service.measure_of(session, plan, measure_id)
    check_if_match(if_match, MeasurePublic.model_validate(measure).version_token())
    evidence = [e.model_dump(mode="json", exclude_none=True) for e in body.evidence]
    changed = MeasurePublic.model_validate(
        await service.progress(session, principal, plan, measure, body.status, evidence)
    )
    tag(response, changed.version_token())
    return changed


@router.get("/measures/overdue", response_model=Page[OverdueMeasure])
async def overdue_measures(
    session: SessionDep,
    principal: PlansRead,
    limit: LimitQuery = 50,
    cursor: CursorQuery = None,
    region_prefix: Annotated[str | None, Query(pattern=r"^\d{2,12}$")] = None,
    on: Day | None = None,
) -> Page[OverdueMeasure]:
    """The township's and county's work queue: measures of approved plans past their due date and not yet
    implemented, with the working days they are overdue."""
    today = on or clock.today()
    q = (
        select(PlanMeasure, Plan)
        .join(Plan, Plan.id == PlanMeasure.plan_id)
        .where(
            within(Plan, principal),
            Plan.state == "approved",
            IN_FORCE,
            PlanMeasure.status.in_(("planned", "in_progress")),
            PlanMeasure.due_date < today,
        )
    )
    if region_prefix:
        q = q.where(Plan.region_code.like(region_prefix + "%"))
    q = keyset(q, (PlanMeasure.updated_at, PlanMeasure.id), cursor, limit)
    rows = list((await session.execute(q)).all())
    items, next_cursor = page_of(rows, limit, lambda r: (r[0].updated_at, r[0].id))
    workdays = await calendar.calendar(session)
    return Page(
        items=[
            OverdueMeasure(
                **MeasurePublic.model_validate(m).model_dump(),
                plan_id=p.id,
                household_id=p.household_id,
                region_code=p.region_code,
                working_days_overdue=workdays.workdays_between(m.due_date, today),
            )
            for m, p in items
        ],
        next_cursor=next_cursor,
    )
