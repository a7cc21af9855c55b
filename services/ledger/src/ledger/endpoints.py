import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Query
from pydantic import BaseModel
from sqlalchemy import select

from common.auth import Principal, Role, require_roles
from common.db import SessionDep
from common.errors import Forbidden, problem_responses
from ledger.models import Entry

router = APIRouter(prefix="/entries", tags=["ledger"])


class EntryPublic(BaseModel):
    seq: int
    source: str
    event_id: str
    topic: str
    type: str
    subject: str
    time: dt.datetime
    recorded_at: dt.datetime
    data: dict[str, Any]


class EntriesPage(BaseModel):
    items: list[EntryPublic]
    next_after: int | None


@router.get("", response_model=EntriesPage, responses=problem_responses(Forbidden))
async def list_entries(
    session: SessionDep,
    principal: Annotated[Principal, require_roles(Role.auditor, Role.admin)],
    subject: Annotated[str | None, Query(max_length=200, description="household id")] = None,
    topic: Annotated[str | None, Query(max_length=200)] = None,
    after: Annotated[int, Query(ge=0, description="`next_after` of the previous page")] = 0,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> EntriesPage:
    """Recorded events in ledger order, for auditors. Filter by household (subject) or topic."""
    q = select(Entry).where(Entry.seq > after)
    if subject:
        q = q.where(Entry.subject == subject)
    if topic:
        q = q.where(Entry.topic == topic)
    rows = list((await session.execute(q.order_by(Entry.seq).limit(limit + 1))).scalars())
    more = len(rows) > limit
    rows = [r for r in rows[:limit] if principal.covers(str(r.data.get("region_code", "")))]
    return EntriesPage(
        items=[EntryPublic.model_validate(r, from_attributes=True) for r in rows],
        next_after=rows[-1].seq if more and rows else None,
    )
