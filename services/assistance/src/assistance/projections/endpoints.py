from fastapi import APIRouter

from assistance.projections.models import MonitoredCase
from assistance.projections.schemas import MonitoredCasePublic
from common.access import MonitoredRead, readable
from common.db import SessionDep
from common.errors import Forbidden, problem_responses
from common.pagination import CursorQuery, LimitQuery, Page, page_rows

router = APIRouter(prefix="/monitored-cases", tags=["monitored cases"])


@router.get("", response_model=Page[MonitoredCasePublic], responses=problem_responses(Forbidden))
async def list_monitored(
    session: SessionDep, principal: MonitoredRead, cursor: CursorQuery = None, limit: LimitQuery = 100
) -> Page[MonitoredCasePublic]:
    """Newly monitored households within my jurisdiction, awaiting an assistance plan; newest first."""
    key = (MonitoredCase.approved_at, MonitoredCase.case_id)
    rows, next_cursor = await page_rows(
        session, readable(MonitoredCase, principal), key, cursor, limit, descending=True
    )
    return Page(
        items=[MonitoredCasePublic.model_validate(r, from_attributes=True) for r in rows], next_cursor=next_cursor
    )
