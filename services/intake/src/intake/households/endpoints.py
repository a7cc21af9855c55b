import uuid
from typing import Annotated

from fastapi import APIRouter, Path, Query, Response

from common.access import HouseholdsRead, HouseholdsWrite, ResidentIdsDisclose
from common.access_audit import audited
from common.clock import today
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
from common.idempotency import IdempotencyDep
from common.pagination import CursorQuery, LimitQuery, Page, page_list
from common.regions import full_name
from intake.households import service
from intake.households.models import Household, IncomeRecord
from intake.households.schemas import (
    HouseholdCreate,
    HouseholdLookup,
    HouseholdPublic,
    HouseholdSummary,
    HouseholdUpdate,
    IncomeCreate,
    IncomePublic,
    MemberCreate,
    MemberPublic,
    MemberUpdate,
    ResidentIdDisclosure,
    RevisionPublic,
)
from intake.households.service import DuplicateResident
from intake.mechanisms import audit

router = APIRouter(prefix="/households", tags=["households"])
HouseholdId = Annotated[uuid.UUID, Path(description="household id")]
Purpose = Annotated[str, Query(min_length=2, max_length=200, description="why the data is read (audited)")]


def public(household: Household) -> HouseholdPublic:
    return HouseholdPublic(
        id=household.id,
        region_code=household.region_code,
        region_name=full_name(household.region_code),
        household_no=household.household_no,
        address=household.address,
        category=household.category,
        status=household.status,
        assistance_status=household.assistance_status,
        version=household.version,
        created_at=household.created_at,
        updated_at=household.updated_at,
        members=[
            MemberPublic(
                id=m.id,
                name=m.name,
                resident_id_masked=m.id_masked,
                sex=m.sex,
                birth_date=m.birth_date,
                phone_masked=m.phone_masked,
                **service.member_facts(m),
            )
            for m in household.members
        ],
    )


def _income(r: IncomeRecord) -> IncomePublic:
    return IncomePublic.model_validate(r, from_attributes=True)


@router.post(
    "",
    status_code=201,
    response_model=HouseholdPublic,
    responses=problem_responses(Forbidden, DuplicateResident, ValidationFailed),
    openapi_extra=audited("household detail"),
)
async def register_household(
    body: HouseholdCreate, session: SessionDep, principal: HouseholdsWrite, idem: IdempotencyDep
) -> HouseholdPublic:
    """Register a household with its head and members. A resident ID already in another household answers
    409 naming that household (masked)."""
    household = await service.register(session, principal, body)
    await audit.read(
        session, principal, household.id, household.region_code, "household detail (registered)", "registration"
    )
    return await idem.remember(public(household))


@router.get("", response_model=Page[HouseholdSummary], responses=problem_responses(Forbidden))
async def list_households(
    session: SessionDep,
    principal: HouseholdsRead,
    limit: LimitQuery = 50,
    cursor: CursorQuery = None,
    region_prefix: Annotated[
        str | None, Query(pattern=r"^\d{2,12}$", description="narrow within my jurisdiction")
    ] = None,
    category: Annotated[str | None, Query(pattern=r"^(lifted|ordinary)$")] = None,
    status: Annotated[str | None, Query(pattern=r"^(registered|monitored|eliminated)$")] = None,
    household_no: Annotated[str | None, Query(max_length=40)] = None,
) -> Page[HouseholdSummary]:
    """Households in my jurisdiction, oldest first, with cursor pagination. Names are masked here; the
    detail view is the audited place to read personal data."""
    rows, next_cursor = await service.search(
        session,
        principal,
        region_prefix=region_prefix,
        category=category,
        status=status,
        household_no=household_no,
        limit=limit,
        cursor=cursor,
    )
    return Page(
        items=[
            HouseholdSummary(
                id=r.Household.id,
                region_code=r.Household.region_code,
                household_no=r.Household.household_no,
                head_name_masked=r.head_name or "?",
                category=r.Household.category,
                status=r.Household.status,
                members_count=r.members_count,
                created_at=r.Household.created_at,
            )
            for r in rows
        ],
        next_cursor=next_cursor,
    )


@router.post(
    "/lookup",
    response_model=HouseholdPublic,
    responses=problem_responses(Forbidden, NotFound),
    openapi_extra=audited("household lookup by resident ID"),
)
async def lookup_by_resident_id(
    body: HouseholdLookup, session: SessionDep, principal: HouseholdsWrite, purpose: Purpose
) -> HouseholdPublic:
    """Find the household a resident ID belongs to (the ID travels in the body, never in a URL). Audited."""
    household = await service.find_by_resident_id(session, principal, body.resident_id)
    await audit.read(
        session, principal, household.id, household.region_code, "household lookup by resident ID", purpose
    )
    return public(household)


@router.get(
    "/{household_id}",
    response_model=HouseholdPublic,
    responses=problem_responses(Forbidden, NotFound),
    openapi_extra=audited("household detail"),
)
async def get_household(
    household_id: HouseholdId,
    session: SessionDep,
    principal: HouseholdsRead,
    response: Response,
    purpose: Purpose = "case work",
) -> HouseholdPublic:
    """One household with its members (identifiers masked), its version as the `ETag` a change sends back in
    `If-Match`. Audited."""
    household = await service.get(session, principal, household_id)
    await audit.read(session, principal, household.id, household.region_code, "household detail", purpose)
    tag(response, household.version)
    return public(household)


@router.patch(
    "/{household_id}",
    response_model=HouseholdPublic,
    responses=problem_responses(Forbidden, NotFound, ValidationFailed, PreconditionFailed, PreconditionRequired),
    openapi_extra=audited("household detail"),
)
async def update_household(
    household_id: HouseholdId,
    body: HouseholdUpdate,
    session: SessionDep,
    principal: HouseholdsWrite,
    response: Response,
    if_match: IfMatchRequired,
) -> HouseholdPublic:
    """Change address or category. Creates a new version; earlier versions stay in the history. `If-Match`
    (the `ETag` of the household as read) is required: without it, or with `*`, the change is refused with 428
    (RFC 6585), and a household changed meanwhile answers 412."""
    household = await service.get(session, principal, household_id, lock=True)
    check_if_match(if_match, household.version)
    await service.update(session, principal, household, body)
    tag(response, household.version)
    await audit.read(session, principal, household.id, household.region_code, "household detail (updated)", body.reason)
    return public(household)


@router.post(
    "/{household_id}/members",
    status_code=201,
    response_model=HouseholdPublic,
    responses=problem_responses(Forbidden, NotFound, DuplicateResident, ValidationFailed, PreconditionFailed),
    openapi_extra=audited("household detail"),
)
async def add_member(
    household_id: HouseholdId,
    body: MemberCreate,
    session: SessionDep,
    principal: HouseholdsWrite,
    idem: IdempotencyDep,
    if_match: IfMatch = None,
) -> HouseholdPublic:
    """Add a member (birth, marriage, return). Creates a new household version (412 on a stale `If-Match`)."""
    household = await service.get(session, principal, household_id, lock=True)
    check_if_match(if_match, household.version)
    await service.add_member(session, principal, household, body)
    await audit.read(
        session, principal, household.id, household.region_code, "household detail (member added)", "member added"
    )
    return await idem.remember(public(household))


@router.patch(
    "/{household_id}/members/{member_id}",
    response_model=HouseholdPublic,
    responses=problem_responses(Forbidden, NotFound, ValidationFailed, PreconditionFailed, PreconditionRequired),
    openapi_extra=audited("household detail"),
)
async def update_member(
    household_id: HouseholdId,
    member_id: uuid.UUID,
    body: MemberUpdate,
    session: SessionDep,
    principal: HouseholdsWrite,
    response: Response,
    if_match: IfMatchRequired,
) -> HouseholdPublic:
    """Update a member's facts, or mark them as having left (`active: false`). Nothing is deleted. `If-Match`
    (the household's `ETag` as read) is required: without it, or with `*`, 428 (RFC 6585); stale, 412."""
    household = await service.get(session, principal, household_id, lock=True)
    check_if_match(if_match, household.version)
    await service.update_member(session, principal, household, member_id, body)
    tag(response, household.version)
    await audit.read(
        session, principal, household.id, household.region_code, "household detail (member updated)", body.reason
    )
    return public(household)


@router.get(
    "/{household_id}/members/{member_id}/resident-id",
    response_model=ResidentIdDisclosure,
    responses=problem_responses(Forbidden, NotFound),
    openapi_extra=audited("unmasked resident ID"),
)
async def disclose_resident_id(
    household_id: HouseholdId,
    member_id: uuid.UUID,
    session: SessionDep,
    principal: ResidentIdsDisclose,
    purpose: Purpose,
) -> ResidentIdDisclosure:
    """The full resident ID of one member, for officers whose work needs it. Audited with its purpose."""
    household = await service.get(session, principal, household_id)
    member = next((m for m in household.members if m.id == member_id), None)
    if member is None:
        raise NotFound("No such member in this household", zh="该户没有这位成员")
    await audit.read(
        session, principal, household.id, household.region_code, f"unmasked resident ID of member {member_id}", purpose
    )
    return ResidentIdDisclosure(member_id=member.id, resident_id=service.resident_id_of(member), purpose=purpose)


@router.put(
    "/{household_id}/incomes/{year}",
    status_code=201,
    response_model=IncomePublic,
    responses=problem_responses(Forbidden, NotFound, ValidationFailed, PreconditionFailed, PreconditionRequired),
)
async def record_income(
    household_id: HouseholdId,
    year: Annotated[int, Path(ge=2000, le=2100)],
    body: IncomeCreate,
    session: SessionDep,
    principal: HouseholdsWrite,
    idem: IdempotencyDep,
    response: Response,
    if_match: IfMatchRequired,
) -> IncomePublic:
    """Record a year's income by source and rigid expenditure. A later record for the same year is a new
    revision that supersedes; per-capita net income is computed over active members. It says which version it
    replaces: `If-Match` with the `etag` of the year's record as read (a year recorded again meanwhile answers
    412), or `If-None-Match: *` for the year's first record (412 if one exists); without either, 428."""
    if year > today().year:
        raise ValidationFailed(
            "Income cannot be recorded for a future year",
            errors=[{"field": "year", "message": "future year", "type": "value_error", "message_zh": "不能是未来年度"}],
            zh="不能登记未来年度的收入",
        )
    household = await service.get(session, principal, household_id, lock=True)
    revision = await service.income_revision(session, household.id, year)
    check_if_match(if_match, (year, revision), exists=revision > 0)
    recorded = _income(await service.record_income(session, principal, household, year, body))
    tag(response, (year, recorded.revision))
    return await idem.remember(recorded)


@router.get(
    "/{household_id}/incomes", response_model=Page[IncomePublic], responses=problem_responses(Forbidden, NotFound)
)
async def list_incomes(
    household_id: HouseholdId,
    session: SessionDep,
    principal: HouseholdsRead,
    cursor: CursorQuery = None,
    limit: LimitQuery = 100,
) -> Page[IncomePublic]:
    """Every income record of the household, newest year and revision first."""
    household = await service.get(session, principal, household_id)
    listed = [_income(r) for r in await service.incomes(session, household)]
    return page_list(listed, lambda i: f"{i.year}:{i.revision}", cursor, limit)


@router.get(
    "/{household_id}/revisions",
    response_model=Page[RevisionPublic],
    responses=problem_responses(Forbidden, NotFound),
    openapi_extra=audited("household revisions"),
)
async def list_revisions(
    household_id: HouseholdId,
    session: SessionDep,
    principal: HouseholdsRead,
    purpose: Purpose = "case work",
    cursor: CursorQuery = None,
    limit: LimitQuery = 100,
) -> Page[RevisionPublic]:
    """Every version of the household (identifiers masked, names in clear). Audited."""
    household = await service.get(session, principal, household_id)
    await audit.read(session, principal, household.id, household.region_code, "household revisions", purpose)
    listed = [
        RevisionPublic(
            version=r.version,
            changed_by=r.changed_by,
            changed_at=r.changed_at,
            reason=r.reason,
            snapshot=service.opened(r.snapshot),
        )
        for r in await service.revisions(session, household)
    ]
    return page_list(listed, lambda r: str(r.version), cursor, limit)
