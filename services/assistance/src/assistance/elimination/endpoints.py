import uuid
from typing import Annotated

from fastapi import APIRouter, Query
from sqlalchemy import select

from assistance.elimination import facts, service
from assistance.elimination.evaluate import evaluate
from assistance.elimination.models import Elimination, EliminationObjection
from assistance.elimination.procedure import IllegalEliminationStep
from assistance.elimination.schemas import (
    Acceptance,
    Approval,
    BatchApproval,
    EliminationPublic,
    EvaluationPublic,
    Notice,
    ObjectionIn,
    ObjectionPublic,
    Resolution,
    VillageReview,
)
from assistance.elimination.service import EliminationRefused, StaysMonitored
from assistance.mechanisms import FOLLOW_UP, audit
from assistance.plans.models import Plan
from common import clock
from common.access import EliminationsApprove, EliminationsObject, EliminationsRead, EliminationsWrite, readable
from common.access_audit import audited
from common.clock import Day
from common.db import SessionDep
from common.errors import Forbidden, NotFound, ValidationFailed, problem_responses
from common.idempotency import IdempotencyDep
from common.pagination import CursorQuery, Filters, LimitQuery, Page, page_rows
from common.procedure import BatchResult, each

router = APIRouter(tags=["risk elimination"])
STEP_PROBLEMS = problem_responses(Forbidden, NotFound, IllegalEliminationStep, ValidationFailed)


@router.get(
    "/households/{household_id}/elimination-evaluation",
    response_model=EvaluationPublic,
    responses=problem_responses(Forbidden, NotFound),
    openapi_extra=audited("elimination evaluation"),
)
async def evaluate_household(
    household_id: uuid.UUID, session: SessionDep, principal: EliminationsRead, on: Day | None = None
) -> EvaluationPublic:
    """The four criteria computed from data for the household's current plan, each with its evidence.
    Nothing is stored; a household without labour capacity whose floor is in place is reported as staying
    monitored."""
    plan = await service.current_plan(session, principal, household_id)
    await audit.read(session, principal, household_id, plan.region_code, "elimination evaluation", FOLLOW_UP)
    ev = await facts.evaluation_for(session, plan, on or clock.today())
    return EvaluationPublic.model_validate(ev.as_dict())


@router.get("/elimination-candidates", response_model=Page[EvaluationPublic])
async def elimination_candidates(
    session: SessionDep,
    principal: EliminationsRead,
    limit: Annotated[int, Query(ge=1, le=1000)] = 200,
    cursor: CursorQuery = None,
    region_prefix: Annotated[str | None, Query(pattern=r"^\d{2,12}$")] = None,
    on: Day | None = None,
    eligible_only: bool = False,
) -> Page[EvaluationPublic]:
    """The evaluation of every approved plan in my jurisdiction, a page at a time (in plan order): which
    households the villages can propose, and what the others still lack. Nothing is stored."""
    q = readable(Plan, principal).where(Plan.state == "approved")
    if region_prefix:
        q = q.where(Plan.region_code.like(region_prefix + "%"))
    page, next_cursor = await page_rows(session, q, (Plan.created_at, Plan.id), cursor, limit)
    day = on or clock.today()
    found = await facts.facts_many(session, page, day)
    evaluations = [evaluate(found[p.id], day) for p in page]
    return Page(
        items=[EvaluationPublic.model_validate(ev.as_dict()) for ev in evaluations if ev.eligible or not eligible_only],
        next_cursor=next_cursor,
    )


@router.post(
    "/eliminations",
    status_code=201,
    response_model=EliminationPublic,
    responses=problem_responses(
        Forbidden, NotFound, IllegalEliminationStep, EliminationRefused, StaysMonitored, ValidationFailed
    ),
)
async def propose(body: VillageReview, session: SessionDep, principal: EliminationsWrite) -> EliminationPublic:
    """Record the village review proposing the household: refused (409) with the failing criterion named."""
    plan = await service.current_plan(session, principal, body.household_id)
    await session.refresh(plan, with_for_update=True)
    review = body.model_dump(mode="json", exclude={"household_id"})
    return EliminationPublic.model_validate(await service.propose(session, principal, plan, review))


@router.get("/eliminations", response_model=Page[EliminationPublic])
async def list_eliminations(
    session: SessionDep,
    principal: EliminationsRead,
    filters: Filters,
    limit: LimitQuery = 50,
    cursor: CursorQuery = None,
) -> Page[EliminationPublic]:
    """Elimination procedures within my jurisdiction, oldest first."""
    items, next_cursor = await filters.page(session, Elimination, principal, cursor, limit)
    return Page(items=[EliminationPublic.model_validate(e) for e in items], next_cursor=next_cursor)


@router.get("/eliminations/{elimination_id}", response_model=EliminationPublic, responses=STEP_PROBLEMS)
async def get_elimination(
    elimination_id: uuid.UUID, session: SessionDep, principal: EliminationsRead
) -> EliminationPublic:
    return EliminationPublic.model_validate(await service.get(session, principal, elimination_id))


@router.post("/eliminations/{elimination_id}/notice", response_model=EliminationPublic, responses=STEP_PROBLEMS)
async def publish_notice(
    elimination_id: uuid.UUID, body: Notice, session: SessionDep, principal: EliminationsWrite
) -> EliminationPublic:
    """Publish the elimination pre-selection notice: objections run for 5 working days."""
    e = await service.get(session, principal, elimination_id)
    return EliminationPublic.model_validate(await service.publish_notice(session, principal, e, body.published_on))


@router.post(
    "/eliminations/{elimination_id}/objections",
    status_code=201,
    response_model=ObjectionPublic,
    responses=problem_responses(Forbidden, NotFound, IllegalEliminationStep, clock.NoticeOver),
)
async def object_to(
    elimination_id: uuid.UUID, body: ObjectionIn, session: SessionDep, principal: EliminationsObject
) -> ObjectionPublic:
    """An objection to the notice, judged by when it is recorded: after the notice ended it answers 409."""
    e = await service.get(session, principal, elimination_id)
    return ObjectionPublic.model_validate(await service.object_to(session, principal, e, body.text))


@router.get("/eliminations/{elimination_id}/objections", response_model=Page[ObjectionPublic], responses=STEP_PROBLEMS)
async def list_objections(
    elimination_id: uuid.UUID,
    session: SessionDep,
    principal: EliminationsRead,
    cursor: CursorQuery = None,
    limit: LimitQuery = 100,
) -> Page[ObjectionPublic]:
    """The objections filed during the elimination's notice, oldest first."""
    await service.get(session, principal, elimination_id)
    q = select(EliminationObjection).where(EliminationObjection.elimination_id == elimination_id)
    key = (EliminationObjection.filed_at, EliminationObjection.id)
    rows, next_cursor = await page_rows(session, q, key, cursor, limit)
    return Page(items=[ObjectionPublic.model_validate(o) for o in rows], next_cursor=next_cursor)


@router.post(
    "/eliminations/{elimination_id}/objections/{objection_id}/resolution",
    response_model=EliminationPublic,
    responses=STEP_PROBLEMS,
)
async def resolve_objection(
    elimination_id: uuid.UUID,
    objection_id: uuid.UUID,
    body: Resolution,
    session: SessionDep,
    principal: EliminationsWrite,
) -> EliminationPublic:
    """Uphold (the household stays monitored, the procedure ends) or dismiss an objection."""
    e = await service.get(session, principal, elimination_id)
    return EliminationPublic.model_validate(
        await service.resolve(session, principal, e, objection_id, body.upheld, body.note)
    )


@router.post(
    "/eliminations/{elimination_id}/acceptance",
    response_model=EliminationPublic,
    responses=problem_responses(
        Forbidden, NotFound, IllegalEliminationStep, EliminationRefused, StaysMonitored, ValidationFailed
    ),
)
async def accept(
    elimination_id: uuid.UUID, body: Acceptance, session: SessionDep, principal: EliminationsWrite
) -> EliminationPublic:
    """The township acceptance form, after the notice: the criteria are evaluated again on its date, which
    must fall after the notice and not after today (China Standard Time); the head of household's signed
    agreement (户主签字认可) is required."""
    e = await service.get(session, principal, elimination_id)
    return EliminationPublic.model_validate(await service.accept(session, principal, e, body.model_dump()))


@router.post("/eliminations/{elimination_id}/approval", response_model=EliminationPublic, responses=STEP_PROBLEMS)
async def approve(
    elimination_id: uuid.UUID, body: Approval, session: SessionDep, principal: EliminationsWrite
) -> EliminationPublic:
    """County approval: the household is marked risk-eliminated and its plan closed (never deleted)."""
    e = await service.get(session, principal, elimination_id)
    return EliminationPublic.model_validate(
        await service.approve(session, principal, e, body.approval_no, body.approved_on)
    )


@router.post(
    "/eliminations/approvals", response_model=BatchResult, responses=problem_responses(Forbidden, ValidationFailed)
)
async def approve_batch(
    body: BatchApproval, session: SessionDep, principal: EliminationsApprove, idem: IdempotencyDep
) -> BatchResult:
    """Approve a list under one approval number; each item succeeds or fails on its own, with its problem
    (one refusal stops no other)."""

    async def approve_one(elimination_id: uuid.UUID) -> None:
        e = await service.get(session, principal, elimination_id)
        await service.approve(session, principal, e, body.approval_no, body.approved_on)

    return await idem.remember(await each(session, body.elimination_ids, approve_one), 200)
