import datetime as dt
import uuid
from typing import Annotated

from fastapi import APIRouter, Query
from sqlalchemy import or_, select

from common.access import ChangesRead, LogAudit, within
from common.auth import Role
from common.db import SessionDep
from common.errors import Forbidden, problem_responses
from common.pagination import CursorQuery, Page, encode_cursor, page_rows
from common.vocabulary import EVENT_ZH
from ledger.entries.schemas import AccessRecord, Change, Changes, EntryPublic
from ledger.models import Entry

router = APIRouter(prefix="/entries", tags=["ledger"])


@router.get("", response_model=Page[EntryPublic], responses=problem_responses(Forbidden))
async def list_entries(
    session: SessionDep,
    principal: LogAudit,
    subject: Annotated[str | None, Query(max_length=200, description="household id")] = None,
    topic: Annotated[str | None, Query(max_length=200)] = None,
    trace_id: Annotated[str | None, Query(pattern=r"^[0-9a-f]{32}$", description="a request's trace")] = None,
    cursor: CursorQuery = None,
    limit: Annotated[int, Query(ge=1, le=1000, description="page size")] = 100,
) -> Page[EntryPublic]:
    """Recorded events in ledger order, for auditors. Filter by household (subject), topic, or the trace a
    request began (its `traceparent`, or the trace id of its log line)."""
    q = select(Entry)
    if not principal.national:  # in SQL, so a page is full and the next one follows it
        q = q.where(within(Entry, principal, region=Entry.data["region_code"].astext))
    if subject:
        q = q.where(Entry.subject == subject)
    if topic:
        q = q.where(Entry.topic == topic)
    if trace_id:
        q = q.where(Entry.trace_id == trace_id)
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


changes_router = APIRouter(prefix="/changes", tags=["changes"])
# What the app follows: a household's registration and updates, its case's steps, its plan and measures, its
# follow-up and its elimination (not the reads, not the policies, not the departments' records).
FOLLOWED = ("intake.household.", "intake.consent.", "intake.case.", "screening.alert.", "assistance.")


@changes_router.get("", response_model=Changes, responses=problem_responses(Forbidden))
async def changes(
    session: SessionDep,
    principal: ChangesRead,
    cursor: CursorQuery = None,
    limit: Annotated[int, Query(ge=1, le=500, description="changes per answer")] = 200,
) -> Changes:
    """What changed in my jurisdiction since `cursor`, in the order it was recorded: the app on a poor
    connection fetches only this, then the records it concerns. `next_cursor` pages on at once;
    `resume_cursor` is where to poll from later, also when nothing changed. The data are the log's, which
    hold no identifiers."""
    q = select(Entry).where(or_(*(Entry.type.startswith(p) for p in FOLLOWED)))
    if principal.role == Role.household:  # its own household's events (the log keys them by its id, as text)
        q = q.where(Entry.subject == str(principal.household_id))
    elif not principal.national:
        q = q.where(within(Entry, principal, region=Entry.data["region_code"].astext))
    rows, next_cursor = await page_rows(session, q, (Entry.leaf_index,), cursor, limit)
    resume = next_cursor or (encode_cursor(rows[-1].leaf_index) if rows else cursor or encode_cursor(-1))
    return Changes(
        items=[
            Change(
                leaf_index=r.leaf_index,
                type=r.type,
                type_zh=EVENT_ZH.get(r.type, r.type),
                subject=r.subject,
                region_code=r.data.get("region_code"),
                time=r.time,
                data=r.data,
            )
            for r in rows
        ],
        next_cursor=next_cursor,
        resume_cursor=resume,
    )
