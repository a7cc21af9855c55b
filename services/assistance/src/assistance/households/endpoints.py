"""What the township records while following a household (帮扶台账): monthly income and the 两不愁三保障 /
drinking-water check; and the household's assistance status, for the app and for intake."""

import datetime as dt
import uuid

from fastapi import APIRouter, Response
from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert

from assistance.elimination.models import Elimination
from assistance.households.models import GuaranteeCheck, IncomeMonth
from assistance.households.schemas import (
    AssistanceStatus,
    GuaranteeIn,
    GuaranteePublic,
    MonthIncome,
    MonthIncomes,
    RecordedMonths,
)
from assistance.households.service import known_household
from assistance.mechanisms import FOLLOW_UP, audit, outbox
from assistance.plans.models import Plan
from common import clock
from common.access import FollowUpRead, FollowUpWrite
from common.access_audit import audited
from common.concurrency import IfMatchRequired, PreconditionFailed, PreconditionRequired, check_if_match, tag
from common.db import SessionDep
from common.errors import Forbidden, NotFound, problem_responses
from contracts.assistance import FollowUpGuaranteesCheckedV1, FollowUpIncomeMonthsRecordedV1

router = APIRouter(prefix="/households/{household_id}", tags=["household follow-up"])
PROBLEMS = problem_responses(Forbidden, NotFound)


async def _months(session: SessionDep, household_id: uuid.UUID) -> list[IncomeMonth]:
    rows = await session.execute(
        select(IncomeMonth).where(IncomeMonth.household_id == household_id).order_by(IncomeMonth.month)
    )
    return list(rows.scalars())


def _version(months: list[IncomeMonth]) -> tuple[object, ...]:
    """What a correction of the months changes: their ETag is a hash of it."""
    return tuple((m.month, m.per_capita, m.recorded_at) for m in months)


@router.put(
    "/income-months",
    response_model=MonthIncomes,
    responses=problem_responses(Forbidden, NotFound, PreconditionFailed, PreconditionRequired),
)
async def record_income_months(
    household_id: uuid.UUID,
    body: MonthIncomes,
    session: SessionDep,
    principal: FollowUpWrite,
    response: Response,
    if_match: IfMatchRequired,
) -> MonthIncomes:
    """Record (or correct) months of per-capita disposable income: the income criterion reads the 12 months
    before an evaluation. It says which version it changes: `If-Match` with the ETag of the months as read
    (`GET .../income-months` answers one, with no month recorded too; months changed meanwhile answer 412), or
    `If-None-Match: *` for the household's first months (412 if it has some); without either, 428."""
    household = await known_household(session, principal, household_id, lock=True)
    recorded = await _months(session, household_id)
    check_if_match(if_match, _version(recorded), exists=bool(recorded))
    now = clock.now()
    for m in body.months:
        values = {"per_capita": m.per_capita, "recorded_by": principal.sub, "recorded_at": now}
        await session.execute(
            insert(IncomeMonth)
            .values(household_id=household_id, month=dt.date.fromisoformat(m.month + "-01"), **values)
            .on_conflict_do_update(index_elements=["household_id", "month"], set_=values)
        )
    recorded = FollowUpIncomeMonthsRecordedV1(
        household_id=household_id,
        region_code=household.region_code,
        months=[{"month": m.month, "per_capita": str(m.per_capita)} for m in body.months],
        recorded_by=principal.sub,
        recorded_at=now,
    )
    await outbox.add(session, recorded, subject=household_id)  # the record of what the criterion reads
    await session.flush()
    session.expire_all()
    tag(response, _version(await _months(session, household_id)))
    return body


@router.get(
    "/income-months", response_model=RecordedMonths, responses=PROBLEMS, openapi_extra=audited("monthly income")
)
async def income_months(
    household_id: uuid.UUID, session: SessionDep, principal: FollowUpRead, response: Response
) -> RecordedMonths:
    """The recorded months (an audited read), their version as the `ETag` a correction sends back."""
    household = await known_household(session, principal, household_id)
    await audit.read(session, principal, household_id, household.region_code, "monthly income", FOLLOW_UP)
    months = await _months(session, household_id)
    tag(response, _version(months))
    return RecordedMonths(months=[MonthIncome(month=f"{r.month:%Y-%m}", per_capita=r.per_capita) for r in months])


@router.post("/guarantee-checks", status_code=201, response_model=GuaranteePublic, responses=PROBLEMS)
async def record_guarantees(
    household_id: uuid.UUID, body: GuaranteeIn, session: SessionDep, principal: FollowUpWrite
) -> GuaranteePublic:
    """The township's check of food, clothing, compulsory education, basic medical care, housing safety and
    drinking water; the latest one answers the second criterion."""
    household = await known_household(session, principal, household_id)
    clock.check_step_date("checked_on", body.checked_on)  # a check stated for tomorrow is a claim, refused
    check = GuaranteeCheck(id=uuid.uuid4(), household_id=household_id, recorded_by=principal.sub, **body.model_dump())
    session.add(check)
    await session.flush()
    checked = FollowUpGuaranteesCheckedV1(
        check_id=check.id,
        household_id=household_id,
        region_code=household.region_code,
        recorded_by=principal.sub,
        **body.model_dump(),
    )
    await outbox.add(session, checked, subject=household_id)
    return GuaranteePublic.model_validate(check)


@router.get("/assistance", response_model=AssistanceStatus, responses=PROBLEMS)
async def assistance_status(household_id: uuid.UUID, session: SessionDep, principal: FollowUpRead) -> AssistanceStatus:
    """Where the household stands: its latest plan, and whether (and how often) it was marked eliminated."""
    await known_household(session, principal, household_id)
    plan = (
        await session.execute(
            select(Plan).where(Plan.household_id == household_id).order_by(Plan.created_at.desc()).limit(1)
        )
    ).scalar_one_or_none()
    approved = list(
        (
            await session.execute(
                select(Elimination.approved_on)
                .where(Elimination.household_id == household_id, Elimination.state == "approved")
                .order_by(Elimination.approved_on)
            )
        ).scalars()
    )
    status = {None: "none", "draft": "plan_drafted", "approved": "assisted", "excluded": "excluded"}.get(
        plan.state if plan else None, "eliminated"
    )
    return AssistanceStatus(
        household_id=household_id,
        status=status,
        plan_id=plan.id if plan else None,
        plan_state=plan.state if plan else None,
        eliminated_on=approved[-1] if status == "eliminated" and approved else None,
        eliminations=len(approved),
    )
