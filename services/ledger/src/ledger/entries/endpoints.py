import datetime as dt
import uuid
from typing import Annotated

from fastapi import APIRouter, Query
from sqlalchemy import select

from common.access import LogAudit, within
from common.db import SessionDep
from common.errors import Forbidden, problem_responses
from common.pagination import CursorQuery, Page, page_rows
from ledger.entries.schemas import AccessRecord, EntryPublic
from ledger.models import Entry

router = APIRouter(prefix="/entries", tags=["ledger"])


@router.get("", response_model=Page[EntryPublic], responses=problem_responses(Forbidden))
async def list_entries(
    session: SessionDep,
    principal: LogAudit,
    subject: Annotated[str | None, Query(max_length=200, description="household id")] = None,
    topic: Annotated[str | None, Query(max_length=200)] = None,
    cursor: CursorQuery = None,
    limit: Annotated[int, Query(ge=1, le=1000, description="page size")] = 100,
) -> Page[EntryPublic]:
    """Recorded events in ledger order, for auditors. Filter by household (subject) or topic."""
    q = select(Entry)
    if not principal.national:  # in SQL, so a page is full and the next one follows it
        q = q.where(within(Entry, principal, region=Entry.data["region_code"].astext))
    if subject:
        q = q.where(Entry.subject == subject)
    if topic:
        q = q.where(Entry.topic == topic)
    rows, next_cursor = await page_rows(session, q, (Entry.leaf_index,), cursor, limit)
    return Page(items=[EntryPublic.model_validate(r, from_attributes=True) for r in rows], next_cursor=next_cursor)


access_router = APIRouter(prefix="/access-audit", tags=["access audit"])


@access_router.get("", response_model=Page[AccessRecord], responses=problem_responses(Forbidden))
async def access_audit(
    session: SessionDep,
    principal: LogAudit,
    actor: Annotated[str | None, Query(max_length=200, description="who read")] = None,
    household_id: uuid.UUID | None = None,
    since: Annotated[dt.datetime | None, Query(alias="from")] = None,
    until: Annotated[dt.datetime | None, Query(alias="to")] = None,
    cursor: CursorQuery = None,
    limit: Annotated[int, Query(ge=1, le=1000, description="page size")] = 100,
) -> Page[AccessRecord]:
    """Reads of households' personal data, from the log: by person, by household, by period."""
    q = select(Entry).where(Entry.type == "audit.access.recorded")
    if not principal.national:
        q = q.where(within(Entry, principal, region=Entry.data["region_code"].astext))
    if actor:
        q = q.where(Entry.data["actor"].astext == actor)
    if household_id:
        q = q.where(Entry.data["household_id"].astext == str(household_id))
    if since:
        q = q.where(Entry.time >= since)
    if until:
        q = q.where(Entry.time < until)
    rows, next_cursor = await page_rows(session, q, (Entry.leaf_index,), cursor, limit)
    return Page(items=[AccessRecord(leaf_index=r.leaf_index, **r.data) for r in rows], next_cursor=next_cursor)
