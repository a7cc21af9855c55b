"""Lists back to the departments, and what they report carried out: a department account reads its own
department's list (officers any department's, within their jurisdiction), and reports a measure's progress
with the department as its evidence."""

from typing import Annotated

from fastapi import APIRouter, Path
from sqlalchemy import select

from assistance.catalogue.service import name_of
from assistance.departments import reports, service
from assistance.departments.schemas import DepartmentReport, ListedHousehold, ListedMeasure
from assistance.plans.models import IN_FORCE, Plan, PlanMeasure
from assistance.plans.procedure import IllegalPlanStep
from assistance.plans.schemas import MeasurePublic
from assistance.projections.models import KnownHousehold, MonitoredCase
from common.access import DepartmentListRead, DepartmentReportWrite, within
from common.auth import Principal, Role
from common.db import SessionDep
from common.errors import Forbidden, NotFound, ValidationFailed, problem_responses
from common.pagination import CursorQuery, LimitQuery, Page, page_rows
from common.regions import full_name
from common.vocabulary import MEASURE_STATUS_ZH, RISK_ZH, zh

router = APIRouter(prefix="/department-lists", tags=["departments"])


DepartmentName = Annotated[str, Path(pattern=r"^[a-z-]{2,40}$")]


def _own(department: str, principal: Principal) -> None:
    """The department a list is for: a department account reads and reports its own only."""
    if department not in service.MEASURES:
        raise NotFound(
            f"No list for {department!r}; departments: {', '.join(service.MEASURES)}", zh="没有此部门的措施清单"
        )
    if principal.role == Role.department and principal.department != department:
        raise Forbidden(f"Only the {department} department account reads this list", zh="只能读取本部门的清单")


@router.get("/{department}", response_model=Page[ListedHousehold], responses=problem_responses(Forbidden, NotFound))
async def department_list(
    department: DepartmentName,
    session: SessionDep,
    principal: DepartmentListRead,
    cursor: CursorQuery = None,
    limit: LimitQuery = 100,
) -> Page[ListedHousehold]:
    """The monitored households of the jurisdiction whose risks or approved plan's measures concern the
    department, with those risks and measures (their ids, to report on). Households are named by 户编号 and
    region: the list holds no personal identifiers."""
    _own(department, principal)
    # Filtered before it pages: a page is full whenever more of the department's households follow.
    q = select(MonitoredCase).where(within(MonitoredCase, principal), service.concerning(department))
    cases, next_cursor = await page_rows(session, q, (MonitoredCase.approved_at, MonitoredCase.case_id), cursor, limit)
    approved = select(Plan).where(Plan.case_id.in_([c.case_id for c in cases]), Plan.state == "approved")
    plans_of = {p.case_id: p for p in (await session.execute(approved)).scalars()}
    measures: dict[object, list[PlanMeasure]] = {}
    if plans_of:
        theirs = select(PlanMeasure).where(
            PlanMeasure.plan_id.in_([p.id for p in plans_of.values()]),
            PlanMeasure.code.in_(service.MEASURES[department]),
            IN_FORCE,
        )
        for m in (await session.execute(theirs)).scalars():
            measures.setdefault(m.plan_id, []).append(m)
    known = select(KnownHousehold.household_id, KnownHousehold.household_no).where(
        KnownHousehold.household_id.in_([c.household_id for c in cases])
    )
    numbers = {h: no for h, no in await session.execute(known)}
    items = []
    for c in cases:
        plan = plans_of.get(c.case_id)
        concerning = measures.get(plan.id, []) if plan else []
        risks = [r.get("category") for r in c.risks if r.get("category") in service.RISKS[department]]
        items.append(
            ListedHousehold(
                household_id=c.household_id,
                household_no=numbers.get(c.household_id) or "",
                region_code=c.region_code,
                region_name=full_name(c.region_code),
                object_type=c.object_type,
                risks=[zh(RISK_ZH, r) for r in risks],
                measures=[
                    ListedMeasure(
                        measure_id=m.id,
                        plan_id=m.plan_id,
                        code=m.code,
                        name=name_of(m.code),
                        status=m.status,
                        status_zh=zh(MEASURE_STATUS_ZH, m.status),
                        due_date=m.due_date,
                    )
                    for m in concerning
                ],
            )
        )
    return Page(items=items, next_cursor=next_cursor)


@router.post(
    "/{department}/reports",
    response_model=MeasurePublic,
    responses=problem_responses(Forbidden, NotFound, IllegalPlanStep, ValidationFailed),
)
async def report(
    department: DepartmentName, body: DepartmentReport, session: SessionDep, principal: DepartmentReportWrite
) -> MeasurePublic:
    """What the department carried out for a measure on its list: the measure moves on (in progress,
    implemented, failed), its evidence naming the department. A measure not the department's is 404."""
    _own(department, principal)
    evidence = {"description": body.description}
    evidence |= {k: v for k, v in (("amount", body.amount), ("date", body.date and str(body.date))) if v}
    changed = await reports.report(session, principal, department, body.measure_id, body.status, evidence)
    return MeasurePublic.model_validate(changed)
