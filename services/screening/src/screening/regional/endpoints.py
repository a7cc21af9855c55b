import datetime as dt
import uuid

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict

from common import clock
from common.access import RegionalRead, RegionalScan, readable
from common.clock import Day
from common.db import SessionDep
from common.errors import Forbidden, problem_responses
from common.pagination import CursorQuery, LimitQuery, Page, page_rows
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


@router.get("", response_model=Page[RegionalRiskPublic], responses=problem_responses(Forbidden))
async def list_risks(
    session: SessionDep, principal: RegionalRead, cursor: CursorQuery = None, limit: LimitQuery = 100
) -> Page[RegionalRiskPublic]:
    """Scale-level risks raised in my jurisdiction, newest first."""
    q = readable(RegionalRisk, principal)
    key = (RegionalRisk.raised_at, RegionalRisk.id)
    rows, next_cursor = await page_rows(session, q, key, cursor, limit, descending=True)
    return Page(items=[RegionalRiskPublic.model_validate(r) for r in rows], next_cursor=next_cursor)


@router.post("/scan", response_model=list[RegionalRiskPublic], responses=problem_responses(Forbidden))
async def scan(session: SessionDep, principal: RegionalScan) -> list[RegionalRiskPublic]:
    """Scan the townships and counties of my jurisdiction now (ops also run it on a schedule); answers the
    risks newly raised, each published on `screening.regional-risk.v1`."""
    today = clock.today()
    raised = [r for prefix in principal.prefixes for r in await service.scan(session, prefix, today)]
    return [RegionalRiskPublic.model_validate(r) for r in raised]
