import datetime as dt
import uuid
from typing import Annotated

from fastapi import APIRouter, Query
from sqlalchemy import select

from common.access import LogAudit
from common.db import SessionDep
from common.errors import Forbidden, problem_responses
from ledger.entries.schemas import AccessPage, AccessRecord, EntriesPage, EntryPublic
from ledger.entries.service import MAX_INDEX
from ledger.models import Entry

router = APIRouter(prefix="/entries", tags=["ledger"])


@router.get("", response_model=EntriesPage, responses=problem_responses(Forbidden))
async def list_entries(
    session: SessionDep,
    principal: LogAudit,
    subject: Annotated[str | None, Query(max_length=200, description="household id")] = None,
    topic: Annotated[str | None, Query(max_length=200)] = None,
    after: Annotated[int, Query(ge=-1, le=MAX_INDEX, description="`next_after` of the previous page")] = -1,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> EntriesPage:
    """Recorded events in ledger order, for auditors. Filter by household (subject) or topic."""
    q = select(Entry).where(Entry.leaf_index > after)
    if principal.region:  # in SQL, so a page is full and the next one follows it
        q = q.where(Entry.data["region_code"].astext.like(principal.region + "%"))
    if subject:
        q = q.where(Entry.subject == subject)
    if topic:
        q = q.where(Entry.topic == topic)
    rows = list((await session.execute(q.order_by(Entry.leaf_index).limit(limit + 1))).scalars())
    more = len(rows) > limit
    rows = rows[:limit]
    return EntriesPage(
        items=[EntryPublic.model_validate(r, from_attributes=True) for r in rows],
        next_after=rows[-1].leaf_index if more and rows else None,
    )


access_router = APIRouter(prefix="/access-audit", tags=["access audit"])


@access_router.get("", response_model=AccessPage, responses=problem_responses(Forbidden))
async def access_audit(
    session: SessionDep,
    principal: LogAudit,
    actor: Annotated[str | None, Query(max_length=200, description="who read")] = None,
    household_id: uuid.UUID | None = None,
    since: Annotated[dt.datetime | None, Query(alias="from")] = None,
    until: Annotated[dt.datetime | None, Query(alias="to")] = None,
    after: Annotated[int, Query(ge=-1, le=MAX_INDEX, description="`next_after` of the previous page")] = -1,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> AccessPage:
    """Reads of households' personal data, from the log: by person, by household, by period."""
    q = select(Entry).where(Entry.type == "audit.access.recorded", Entry.leaf_index > after)
    if principal.region:
        q = q.where(Entry.data["region_code"].astext.like(principal.region + "%"))
    if actor:
        q = q.where(Entry.data["actor"].astext == actor)
    if household_id:
        q = q.where(Entry.data["household_id"].astext == str(household_id))
    if since:
        q = q.where(Entry.time >= since)
    if until:
        q = q.where(Entry.time < until)
    rows = list((await session.execute(q.order_by(Entry.leaf_index).limit(limit + 1))).scalars())
    more = len(rows) > limit
    rows = rows[:limit]
    items = [AccessRecord(leaf_index=r.leaf_index, **r.data) for r in rows]
    return AccessPage(items=items, next_after=rows[-1].leaf_index if more and rows else None)
