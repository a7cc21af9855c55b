import datetime as dt
import uuid
from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import BaseModel, ConfigDict
from sqlalchemy import select

from common import clock
from common.access import RegionalRead, RegionalScan
from common.auth import jurisdiction_clause
from common.clock import Day
from common.db import SessionDep
from common.errors import Forbidden, problem_responses
from screening.regional import service
from screening.regional.models import RegionalRisk

router = APIRouter(prefix="/regional-risks", tags=["regional risk"])


class RegionalRiskPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    region_code: str
    kind: str
    window_start: Day
    window_end: Day
    figures: dict[str, float]
    explanation: str
    raised_at: dt.datetime


@router.get("", response_model=list[RegionalRiskPublic], responses=problem_responses(Forbidden))
async def list_risks(
    session: SessionDep, principal: RegionalRead, limit: Annotated[int, Query(ge=1, le=500)] = 100
) -> list[RegionalRiskPublic]:
    """Scale-level risks raised in my jurisdiction, newest first."""
    rows = await session.execute(
        select(RegionalRisk)
        .where(jurisdiction_clause(RegionalRisk.region_code, principal))
        .order_by(RegionalRisk.raised_at.desc())
        .limit(limit)
    )
    return [RegionalRiskPublic.model_validate(r) for r in rows.scalars()]


@router.post("/scan", response_model=list[RegionalRiskPublic], responses=problem_responses(Forbidden))
async def scan(session: SessionDep, principal: RegionalScan) -> list[RegionalRiskPublic]:
    """Scan the townships and counties of my jurisdiction now (ops also run it on a schedule); answers the
    risks newly raised, each published on `screening.regional-risk.v1`."""
    return [RegionalRiskPublic.model_validate(r) for r in await service.scan(session, principal.region, clock.today())]
