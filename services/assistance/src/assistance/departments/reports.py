"""What a department reports carried out, from its REST call or its topic (dept.reports.v1): one way to
move a measure on with the department as its evidence."""

import uuid
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from assistance.departments import service
from assistance.plans import service as plans
from assistance.plans.models import PlanMeasure
from common.auth import Principal
from common.errors import NotFound


async def report(
    session: AsyncSession,
    principal: Principal,
    department: str,
    measure_id: uuid.UUID,
    status: str,
    evidence: dict[str, Any],
) -> PlanMeasure:
    """The measure on the department's list moves on (a measure not the department's is 404). A report the
    department sent before (its `report_id`) changes nothing."""
    measure = await session.get(PlanMeasure, measure_id)
    if measure is None or measure.code not in service.MEASURES.get(department, frozenset()):
        raise NotFound("No such measure on this department's list", zh="本部门清单上没有该措施")
    plan = await plans.get(session, principal, measure.plan_id, lock=True)
    report_id = evidence.get("report_id")
    if report_id and any(
        e.get("report_id") == report_id and e.get("department") == department for e in measure.evidence
    ):
        return measure
    return await plans.progress(session, principal, plan, measure, status, [{**evidence, "department": department}])
