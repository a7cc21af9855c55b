import uuid
from typing import Annotated

from fastapi import APIRouter, Query

from common.access import Authenticated, CasesApprove, CasesRead
from common.auth import Role
from common.clock import NoticeOver
from common.db import SessionDep
from common.errors import Forbidden, NotFound, ValidationFailed, problem_responses
from common.idempotency import IdempotencyDep
from common.pagination import CursorQuery, LimitQuery, Page
from common.procedure import BatchResult, Procedure, SelfApproval, each
from intake.cases import objections, queries, service
from intake.cases.models import Case
from intake.cases.procedure import IDENTIFICATION, IllegalTransition, State
from intake.cases.schemas import (
    BatchApproval,
    CaseCreate,
    CasePublic,
    CaseSummary,
    ConsentAttach,
    CountyApproval,
    HouseholdSurvey,
    NoticePublish,
    ObjectionCreate,
    ObjectionPublic,
    ObjectionResolve,
    Rejection,
    StepPublic,
    TownshipVerification,
    VillageReview,
)
from intake.cases.service import CaseAlreadyOpen, ConsentRequired, NoticeNotOver
from intake.findings.service import DeclarationBarred
from intake.households import service as households

router = APIRouter(prefix="/cases", tags=["cases"])
DECLARERS = {
    "self_declaration": {Role.household, Role.village_cadre, Role.township_officer},
    "cadre_screening": {Role.village_cadre, Role.township_officer},
    "social_supervision": {Role.village_cadre, Role.township_officer, Role.county_officer},
}
STEP_PROBLEMS = problem_responses(Forbidden, NotFound, IllegalTransition, ValidationFailed)


def summary(case: Case, procedure: Procedure) -> CaseSummary:
    return CaseSummary(
        id=case.id,
        household_id=case.household_id,
        region_code=case.region_code,
        state=case.state,
        channels=case.channels,
        object_type=case.object_type,
        risk_categories=sorted({r["category"] for r in case.risks}),
        notice_ends_on=case.notice_ends_on,
        allowed_actions=procedure.allowed(case.state),
        created_at=case.created_at,
        updated_at=case.updated_at,
    )


async def detail(session: SessionDep, case: Case) -> CasePublic:
    procedure, _ = await service.procedure_of(session, case)
    return CasePublic(
        **summary(case, procedure).model_dump(),
        risks=case.risks,
        weak_motivation=case.weak_motivation,
        consent_id=case.consent_id,
        declared_by=case.declared_by,
        notice_published_on=case.notice_published_on,
        notice_calendar_assumed=case.notice_calendar_assumed,
        rejection_reason=case.rejection_reason,
        steps=[StepPublic.model_validate(s, from_attributes=True) for s in await queries.steps(session, case.id)],
        objections=[
            ObjectionPublic.model_validate(o, from_attributes=True) for o in await queries.objections(session, case.id)
        ],
    )


@router.post(
    "",
    status_code=201,
    response_model=CasePublic,
    responses=problem_responses(Forbidden, NotFound, CaseAlreadyOpen, DeclarationBarred, ValidationFailed),
)
async def declare_case(
    body: CaseCreate, session: SessionDep, principal: Authenticated, idem: IdempotencyDep
) -> CasePublic:
    """Open an identification case for a household: a self-declaration, a cadre's screening finding or a
    social-supervision report (hotline, petition, media). One open case per household."""
    if principal.role not in DECLARERS[body.channel] and principal.role != Role.admin:
        raise Forbidden(f"{principal.role} may not declare through {body.channel}", zh="当前角色不能通过此监测方式申报")
    household = await households.get(session, principal, body.household_id)
    case = await service.declare(session, principal, household, body)
    return await idem.remember(await detail(session, case))


@router.get("", response_model=Page[CaseSummary], responses=problem_responses(Forbidden))
async def work_queue(
    session: SessionDep,
    principal: CasesRead,
    limit: LimitQuery = 50,
    cursor: CursorQuery = None,
    state: Annotated[list[State] | None, Query(description="one or more states")] = None,
    region_prefix: Annotated[str | None, Query(pattern=r"^\d{2,12}$")] = None,
    channel: Annotated[str | None, Query(pattern=r"^[a-z_]+$")] = None,
    household_id: uuid.UUID | None = None,
) -> Page[CaseSummary]:
    """Cases within my jurisdiction, oldest first: the work queue of a village, township or county.
    Each item lists the steps allowed next."""
    rows, next_cursor = await queries.queue(
        session,
        principal,
        states=[s.value for s in state] if state else None,
        region_prefix=region_prefix,
        channel=channel,
        household_id=household_id,
        limit=limit,
        cursor=cursor,
    )
    procedures = await service.procedures_of(session, rows)
    return Page(items=[summary(c, procedures[c.id]) for c in rows], next_cursor=next_cursor)


@router.get("/{case_id}", response_model=CasePublic, responses=problem_responses(Forbidden, NotFound))
async def get_case(case_id: uuid.UUID, session: SessionDep, principal: CasesRead) -> CasePublic:
    """One case with every step taken and every objection."""
    return await detail(session, await service.get(session, principal, case_id))


@router.post(
    "/{case_id}/consent",
    response_model=CasePublic,
    responses=problem_responses(Forbidden, NotFound, IllegalTransition, ConsentRequired),
)
async def attach_consent(
    case_id: uuid.UUID, body: ConsentAttach, session: SessionDep, principal: Authenticated
) -> CasePublic:
    """Attach the household's valid commitment and authorization (scopes asset_check and data_sharing)."""
    IDENTIFICATION.may("attach_consent", principal)  # the role before the case: no state told to others
    case = await service.get(session, principal, case_id, lock=True)
    return await detail(session, await service.attach_consent(session, principal, case, body))


@router.post("/{case_id}/household-survey", response_model=CasePublic, responses=STEP_PROBLEMS)
async def household_survey(
    case_id: uuid.UUID, body: HouseholdSurvey, session: SessionDep, principal: Authenticated
) -> CasePublic:
    """Record the household survey (入户调查) and its two signed forms, where the jurisdiction's pack has the
    step (弥勒市 一(四): 农户申报、入户调查、村组评议): the village review then requires it."""
    IDENTIFICATION.may("household_survey", principal)  # the role before the case: no state told to others
    case = await service.get(session, principal, case_id, lock=True)
    return await detail(session, await service.household_survey(session, principal, case, body))


@router.post("/{case_id}/village-review", response_model=CasePublic, responses=STEP_PROBLEMS)
async def village_review(
    case_id: uuid.UUID, body: VillageReview, session: SessionDep, principal: Authenticated
) -> CasePublic:
    """Record the village review (the body and the participants the jurisdiction's pack names). A majority
    of attendees in favour pre-selects the household; otherwise the case is rejected with the vote as reason."""
    IDENTIFICATION.may("village_review", principal)  # the role before the case: no state told to others
    case = await service.get(session, principal, case_id, lock=True)
    return await detail(session, await service.village_review(session, principal, case, body))


@router.post("/{case_id}/public-notice", response_model=CasePublic, responses=STEP_PROBLEMS)
async def publish_notice(
    case_id: uuid.UUID, body: NoticePublish, session: SessionDep, principal: Authenticated
) -> CasePublic:
    """Publish the village pre-selection notice. It ends on the 5th Chinese working day after publication
    (holidays and adjusted weekends counted; `notice_calendar_assumed` says if a year was not loaded)."""
    IDENTIFICATION.may("publish_notice", principal)  # the role before the case: no state told to others
    case = await service.get(session, principal, case_id, lock=True)
    return await detail(session, await service.publish_notice(session, principal, case, body))


@router.post(
    "/{case_id}/objections",
    status_code=201,
    response_model=CasePublic,
    responses=problem_responses(Forbidden, NotFound, IllegalTransition, ValidationFailed, NoticeOver),
)
async def file_objection(
    case_id: uuid.UUID, body: ObjectionCreate, session: SessionDep, principal: Authenticated, idem: IdempotencyDep
) -> CasePublic:
    """Record an objection raised during the notice period. It is judged by when it is recorded: once the
    notice has ended (China Standard Time) objections answer 409, whatever `raised_on` says. Verification
    waits until every objection is resolved."""
    IDENTIFICATION.may("file_objection", principal)  # the role before the case: no state told to others
    case = await service.get(session, principal, case_id, lock=True)
    await objections.file_objection(session, principal, case, body)
    return await idem.remember(await detail(session, case))


@router.post("/{case_id}/objections/{objection_id}/resolution", response_model=CasePublic, responses=STEP_PROBLEMS)
async def resolve_objection(
    case_id: uuid.UUID,
    objection_id: uuid.UUID,
    body: ObjectionResolve,
    session: SessionDep,
    principal: Authenticated,
) -> CasePublic:
    """Uphold or dismiss an objection. Upheld: the case goes back to village review."""
    IDENTIFICATION.may("resolve_objection", principal)  # the role before the case: no state told to others
    case = await service.get(session, principal, case_id, lock=True)
    return await detail(session, await objections.resolve_objection(session, principal, case, objection_id, body))


@router.post(
    "/{case_id}/township-verification",
    response_model=CasePublic,
    responses=problem_responses(Forbidden, NotFound, IllegalTransition, NoticeNotOver, SelfApproval, ValidationFailed),
)
async def township_verify(
    case_id: uuid.UUID, body: TownshipVerification, session: SessionDep, principal: Authenticated
) -> CasePublic:
    """The township verification form, after the notice has ended with no pending objection. A "no"
    decision rejects the case with its reasons."""
    IDENTIFICATION.may("township_verify", principal)  # the role before the case: no state told to others
    case = await service.get(session, principal, case_id, lock=True)
    household = await households.get(session, principal, case.household_id)
    return await detail(session, await service.township_verify(session, principal, case, household, body))


@router.post(
    "/{case_id}/county-approval",
    response_model=CasePublic,
    responses=problem_responses(Forbidden, NotFound, IllegalTransition, SelfApproval, ValidationFailed),
)
async def county_approve(
    case_id: uuid.UUID, body: CountyApproval, session: SessionDep, principal: Authenticated
) -> CasePublic:
    """County approval: the household becomes a monitored object. The approver must not be the person
    who declared or verified the case."""
    IDENTIFICATION.may("county_approve", principal)  # the role before the case: no state told to others
    case = await service.get(session, principal, case_id, lock=True)
    return await detail(session, await service.county_approve(session, principal, case, body))


@router.post("/approvals", response_model=BatchResult, responses=problem_responses(Forbidden, ValidationFailed))
async def county_approve_batch(
    body: BatchApproval,
    session: SessionDep,
    principal: CasesApprove,
    idem: IdempotencyDep,
) -> BatchResult:
    """Approve several cases under one approval document. Each case succeeds or fails on its own; the
    result lists the problem of each that failed."""
    single = CountyApproval(approval_no=body.approval_no, approved_on=body.approved_on)

    async def approve_one(case_id: uuid.UUID) -> None:
        case = await service.get(session, principal, case_id, lock=True)
        await service.county_approve(session, principal, case, single)

    return await idem.remember(await each(session, body.case_ids, approve_one), 200)


@router.post("/{case_id}/rejection", response_model=CasePublic, responses=STEP_PROBLEMS)
async def reject(case_id: uuid.UUID, body: Rejection, session: SessionDep, principal: Authenticated) -> CasePublic:
    """Reject an open case at any step, with a reason."""
    IDENTIFICATION.may("reject", principal)  # the role before the case: no state told to others
    case = await service.get(session, principal, case_id, lock=True)
    return await detail(session, await service.reject(session, principal, case, body))
