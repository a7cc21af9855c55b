import datetime as dt
import uuid
from typing import Literal

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict

from common import clock
from common.access import RegionalRead, RegionalRecordsWrite, RegionalScan, readable
from common.clock import Day
from common.db import SessionDep
from common.errors import Forbidden, ValidationFailed, problem_responses
from common.pagination import CursorQuery, LimitQuery, Page, page_rows
from screening.regional import records, service
from screening.regional.models import RegionalRecord, RegionalRisk
from screening.regional.schemas import BatchOutcome, RegionalRecordBatch, RegionalRecordPublic

router = APIRouter(tags=["regional risk"])


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


@router.get("/regional-risks", response_model=Page[RegionalRiskPublic], responses=problem_responses(Forbidden))
async def list_risks(
    session: SessionDep, principal: RegionalRead, cursor: CursorQuery = None, limit: LimitQuery = 100
) -> Page[RegionalRiskPublic]:
    """Scale-level risks raised in my jurisdiction, newest first."""
    q = readable(RegionalRisk, principal)
    key = (RegionalRisk.raised_at, RegionalRisk.id)
    rows, next_cursor = await page_rows(session, q, key, cursor, limit, descending=True)
    return Page(items=[RegionalRiskPublic.model_validate(r) for r in rows], next_cursor=next_cursor)


@router.post("/regional-risks/scan", response_model=list[RegionalRiskPublic], responses=problem_responses(Forbidden))
async def scan(session: SessionDep, principal: RegionalScan) -> list[RegionalRiskPublic]:
    """Scan the townships and counties of my jurisdiction now (ops also run it on a schedule); answers the
    risks newly raised, each published on `screening.regional-risk.v1`."""
    today = clock.today()
    raised = [r for prefix in principal.prefixes for r in await service.scan(session, prefix, today)]
    return [RegionalRiskPublic.model_validate(r) for r in raised]


@router.post(
    "/regional-records",
    response_model=BatchOutcome,
    responses=problem_responses(Forbidden, ValidationFailed),
)
async def receive_records(
    body: RegionalRecordBatch, session: SessionDep, principal: RegionalRecordsWrite
) -> BatchOutcome:
    """Records about a region rather than a household, up to 1,000 at a time, within my jurisdiction: a farm
    product's price (agriculture's price monitoring) and a village industry project's status and assets. The
    same record and revision again is a duplicate; a higher revision supersedes. The scale-level scan reads
    them (price_fall, project_failure, asset_loss)."""
    return await records.receive(session, principal, body.records)


@router.get("/regional-records", response_model=Page[RegionalRecordPublic], responses=problem_responses(Forbidden))
async def list_records(
    session: SessionDep,
    principal: RegionalRead,
    kind: Literal["price", "project"] | None = None,
    current: bool = True,
    cursor: CursorQuery = None,
    limit: LimitQuery = 100,
) -> Page[RegionalRecordPublic]:
    """Regional records in my jurisdiction, newest observed first; `current=false` includes superseded
    revisions."""
    q = readable(RegionalRecord, principal)
    if kind:
        q = q.where(RegionalRecord.kind == kind)
    if current:
        q = q.where(~RegionalRecord.superseded)
    key = (RegionalRecord.observed_on, RegionalRecord.id)
    rows, next_cursor = await page_rows(session, q, key, cursor, limit, descending=True)
    return Page(items=[RegionalRecordPublic.model_validate(r) for r in rows], next_cursor=next_cursor)
