import csv
import datetime as dt
import io
import json
import uuid
from collections.abc import AsyncIterator
from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends, Header, Path, Query, Request
from pydantic import BaseModel
from sqlalchemy import func, select, update

from common.auth import CurrentPrincipal, Principal, Role, require_roles
from common.db import Database, SessionDep
from common.errors import BadRequest, Forbidden, NotFound, ValidationFailed, problem_responses
from common.events.contracts.dept import DEPT_CONTRACTS
from common.pagination import CursorQuery, LimitQuery, Page, keyset, page_of
from screening.feeds import service
from screening.feeds.models import DeptRecord, Upload

router = APIRouter(prefix="/feeds", tags=["department feeds"])
CHUNK = 500


async def feed_writer(department: Annotated[str, Path(pattern=r"^[a-z-]+$")], principal: CurrentPrincipal) -> str:
    """Department accounts write only their own department's feed (admins any)."""
    if department not in DEPT_CONTRACTS:
        raise NotFound(f"No feed {department!r}; feeds: {', '.join(DEPT_CONTRACTS)}")
    if principal.role == Role.admin or (principal.role == Role.department and principal.department == department):
        return department
    raise Forbidden(f"Only the {department} department account may write this feed")


Department = Annotated[str, Depends(feed_writer)]


class IngestResult(BaseModel):
    row: int | None = None
    record_id: str | None = None
    outcome: str
    reason: str | None = None


class UploadPublic(BaseModel):
    id: uuid.UUID
    department: str
    status: str
    rows: int
    accepted: int
    duplicate: int
    rejected: int
    started_at: dt.datetime
    updated_at: dt.datetime


class UploadResult(BaseModel):
    upload: UploadPublic
    results: list[IngestResult]


class UnmatchedRecord(BaseModel):
    department: str
    record_id: str
    revision: int
    event_date: dt.date
    resident_id_masked: str
    received_at: dt.datetime


@router.post(
    "/{department}/records",
    status_code=202,
    response_model=IngestResult,
    responses=problem_responses(Forbidden, NotFound, ValidationFailed),
)
async def ingest_record(
    department: Department,
    session: SessionDep,
    body: Annotated[
        dict[str, Any],
        Body(
            examples=[
                {
                    "record_id": "MI-2026-000981",
                    "revision": 1,
                    "resident_id": "11010519491231002X",
                    "event_date": "2026-11-02",
                    "kind": "settlement",
                    "total": "60000",
                    "reimbursed": "8000",
                    "out_of_pocket": "52000",
                    "disease_category": "major",
                }
            ]
        ),
    ],
) -> IngestResult:
    """One record of the department's contract (see openapi/schemas/dept.*). It joins the department's
    topic, the same path as records published there directly. A record already received (same record id
    and revision) is answered `duplicate`; a higher revision is a correction."""
    try:
        record = service.parse(department, body)
    except ValueError as exc:
        raise ValidationFailed(
            str(exc), errors=[{"field": "body", "message": str(exc), "type": "value_error"}]
        ) from None
    return IngestResult(record_id=record.record_id, outcome=await service.ingest(session, record))


@router.post(
    "/{department}/uploads",
    response_model=UploadResult,
    responses=problem_responses(Forbidden, NotFound, BadRequest),
    openapi_extra={
        "requestBody": {
            "content": {
                "text/csv": {"schema": {"type": "string"}},
                "application/x-ndjson": {"schema": {"type": "string"}},
            }
        }
    },
)
async def upload_records(
    department: Department,
    request: Request,
    principal: CurrentPrincipal,
    upload_id: Annotated[
        uuid.UUID | None, Header(description="choose it to follow progress at GET /feeds/uploads/{id}")
    ] = None,
) -> UploadResult:
    """A bulk file, CSV (header row, UTF-8) or JSON lines, read as it streams in and committed every 500
    rows; progress is readable at `GET /feeds/uploads/{id}` meanwhile. The answer lists every row's outcome:
    accepted, duplicate, or rejected with the reason."""
    kind = request.headers.get("content-type", "").split(";")[0].strip()
    if kind not in ("text/csv", "application/x-ndjson", "application/jsonl"):
        raise BadRequest("Send text/csv or application/x-ndjson")
    db: Database = request.app.state.db
    upload = Upload(id=upload_id or uuid.uuid4(), department=department, uploaded_by=principal.sub, status="running")
    async with db.transaction() as s:
        if await s.get(Upload, upload.id) is not None:
            raise BadRequest(f"Upload {upload.id} exists already")
        s.add(upload)
    results: list[IngestResult] = []
    counts = {"accepted": 0, "duplicate": 0, "rejected": 0}
    batch: list[tuple[int, Any]] = []

    async def flush() -> None:
        async with db.transaction() as s:
            for n, row in batch:
                results.append(await _ingest_row(s, department, n, row))
                counts[results[-1].outcome] += 1
            await s.execute(
                update(Upload).where(Upload.id == upload.id).values(rows=len(results), updated_at=func.now(), **counts)
            )
        batch.clear()

    async for n, row in _rows(request.stream(), csv_format=kind == "text/csv"):
        batch.append((n, row))
        if len(batch) >= CHUNK:
            await flush()
    await flush()
    async with db.transaction() as s:
        await s.execute(update(Upload).where(Upload.id == upload.id).values(status="done", updated_at=func.now()))
        done = await s.get(Upload, upload.id, populate_existing=True)
    assert done is not None
    return UploadResult(upload=UploadPublic.model_validate(done, from_attributes=True), results=results)


async def _ingest_row(session: Any, department: str, n: int, row: Any) -> IngestResult:
    if isinstance(row, str):
        return IngestResult(row=n, outcome="rejected", reason=row)
    try:
        record = service.parse(department, row)
    except ValueError as exc:
        return IngestResult(
            row=n, record_id=str(row.get("record_id") or "") or None, outcome="rejected", reason=str(exc)
        )
    return IngestResult(row=n, record_id=record.record_id, outcome=await service.ingest(session, record))


async def _rows(stream: AsyncIterator[bytes], *, csv_format: bool) -> AsyncIterator[tuple[int, Any]]:
    """Rows as dicts (or a reason string for a row that cannot be read), numbered from 1, as bytes arrive.
    CSV fields may not contain line breaks."""
    header: list[str] | None = None
    pending = b""
    n = 0
    async for chunk in stream:
        pending += chunk
        *lines, pending = pending.split(b"\n")
        for line in lines:
            text = line.decode("utf-8-sig" if n == 0 and header is None else "utf-8", errors="replace").strip()
            if not text:
                continue
            if csv_format and header is None:
                header = next(csv.reader([text]))
                continue
            n += 1
            yield n, _row(text, header, csv_format)
    if pending.strip():
        n += 1
        yield n, _row(pending.decode("utf-8", errors="replace").strip(), header, csv_format)


def _row(text: str, header: list[str] | None, csv_format: bool) -> Any:
    if csv_format:
        values = next(csv.reader(io.StringIO(text)))
        if header is None or len(values) != len(header):
            return f"expected {len(header or [])} columns, found {len(values)}"
        return {k: v for k, v in zip(header, values, strict=True) if v != ""}
    try:
        row = json.loads(text)
    except json.JSONDecodeError:
        return "not a JSON object"
    return row if isinstance(row, dict) else "not a JSON object"


@router.get("/uploads/{upload_id}", response_model=UploadPublic, responses=problem_responses(NotFound))
async def upload_progress(upload_id: uuid.UUID, session: SessionDep, principal: CurrentPrincipal) -> UploadPublic:
    """Progress of a bulk upload (rows read so far and their outcomes), while it runs and after."""
    upload = await session.get(Upload, upload_id)
    if upload is None or (principal.role != Role.admin and upload.uploaded_by != principal.sub):
        raise NotFound("No such upload")
    return UploadPublic.model_validate(upload, from_attributes=True)


@router.get("/unmatched", response_model=Page[UnmatchedRecord], responses=problem_responses(Forbidden))
async def unmatched(
    session: SessionDep,
    _: Annotated[Principal, require_roles(Role.admin, Role.auditor)],
    limit: LimitQuery = 100,
    cursor: CursorQuery = None,
    department: Annotated[str | None, Query(pattern=r"^[a-z-]+$")] = None,
) -> Page[UnmatchedRecord]:
    """Current records whose resident ID matches no registered household yet, oldest first. They are matched
    automatically when the household is registered. (No region is known for them: national roles only.)"""
    q = select(DeptRecord).where(DeptRecord.household_id.is_(None), DeptRecord.superseded.is_(False))
    if department:
        q = q.where(DeptRecord.department == department)
    rows = list((await session.execute(keyset(q, DeptRecord.received_at, DeptRecord.id, cursor, limit))).scalars())
    items, next_cursor = page_of(rows, limit, lambda r: (r.received_at, r.id))
    return Page(
        items=[
            UnmatchedRecord(
                department=r.department,
                record_id=r.record_id,
                revision=r.revision,
                event_date=r.event_date,
                resident_id_masked=r.id_masked,
                received_at=r.received_at,
            )
            for r in items
        ],
        next_cursor=next_cursor,
    )
