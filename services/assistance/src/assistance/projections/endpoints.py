from typing import Annotated

from fastapi import APIRouter, Query
from sqlalchemy import select

from assistance.projections.models import MonitoredCase
from assistance.projections.schemas import MonitoredCasePublic
from common.access import MonitoredRead
from common.auth import jurisdiction_clause
from common.db import SessionDep
from common.errors import Forbidden, problem_responses

router = APIRouter(prefix="/monitored-cases", tags=["monitored cases"])


@router.get("", response_model=list[MonitoredCasePublic], responses=problem_responses(Forbidden))
async def list_monitored(
    session: SessionDep,
    principal: MonitoredRead,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> list[MonitoredCasePublic]:
    """Newly monitored households within my jurisdiction, awaiting an assistance plan; newest first."""
    rows = await session.execute(
        select(MonitoredCase)
        .where(jurisdiction_clause(MonitoredCase.region_code, principal))
        .order_by(MonitoredCase.approved_at.desc())
        .limit(limit)
    )
    return [MonitoredCasePublic.model_validate(r, from_attributes=True) for r in rows.scalars()]
