import asyncio
import datetime as dt
import uuid
from collections.abc import AsyncIterator
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Body, FastAPI, Header, Query, Request
from pydantic import BaseModel, Field
from sqlalchemy import func, insert, select, update

from common.access import Authenticated, FeedsAudit, FeedsWrite
from common.auth import Role
from common.clock import Day
from common.db import Database, SessionDep
from common.errors import (
    BadRequest,
    Forbidden,
    NotFound,
    PayloadTooLarge,
    Problem,
    ValidationFailed,
    problem_responses,
)
from common.pagination import CursorQuery, LimitQuery, Page, page_rows
from common.workbook import WorkbookTooLarge
from screening.config import settings
from screening.crypto import cipher
from screening.feeds import service
from screening.feeds.files import CSV, XLSX, NotAFile, RowLimitExceeded, kind_of, text_rows, xlsx_rows
from screening.feeds.models import DeptRecord, Upload, UploadRow
from screening.policies.gaps import gaps

router = APIRouter(prefix="/feeds", tags=["department feeds"])
CHUNK = 500
SHOWN = 1000  # outcomes in an upload's own answer; the rest page at /feeds/uploads/{id}/rows


class IngestResult(BaseModel):
    row: int | None = None
    record_id: str | None = None
    outcome: str
    reason: str | None = None
    warnings: list[str] = Field(
        default_factory=list,
        description="what a record of this year meets: counties judged without a monitoring policy of the year",
    )


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
    kind: str | None = None
    encoding: str | None = Field(None, description="the text encoding the file was read in")
    failure: str | None = Field(None, description="why a failed upload stopped")


class UploadResult(BaseModel):
    upload: UploadPublic
    results: list[IngestResult] = Field(description=f"the first {SHOWN:,} rows' outcomes")
    more_results: bool = Field(description="more rows than shown: page them at GET /feeds/uploads/{id}/rows")


class UnmatchedRecord(BaseModel):
    department: str
    record_id: str
    revision: int
    event_date: Day
    resident_id_masked: str
    received_at: dt.datetime


@router.post(
    "/{department}/records",
    status_code=202,
    response_model=IngestResult,
    responses=problem_responses(Forbidden, NotFound, ValidationFailed),
    # The body is the department's own contract: declared, so integrators see each one and the door knows the
    # identifier field (`resident_id`) that reaches the route in clear (common.free_text).
    openapi_extra={
        "requestBody": {
            "content": {
                "application/json": {
                    "schema": {"anyOf": [c.model_json_schema() for c in service.DEPT_CONTRACTS.values()]}
                }
            }
        }
    },
)
async def ingest_record(
    department: FeedsWrite,
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
    outcome = await service.ingest(session, record)
    warnings = [g.message for g in await gaps(session, record.event_date.year)]
    return IngestResult(record_id=record.record_id, outcome=outcome, warnings=warnings)


@router.post(
    "/{department}/uploads",
    response_model=UploadResult,
    responses=problem_responses(
        Forbidden, NotFound, BadRequest, NotAFile, PayloadTooLarge, WorkbookTooLarge, RowLimitExceeded
    ),
    openapi_extra={
        "requestBody": {
            "content": {
                "text/csv": {"schema": {"type": "string"}},
                "application/x-ndjson": {"schema": {"type": "string"}},
                XLSX: {"schema": {"type": "string", "format": "binary"}},
            }
        }
    },
)
async def upload_records(
    department: FeedsWrite,
    request: Request,
    principal: Authenticated,
    upload_id: Annotated[
        uuid.UUID | None, Header(description="choose it to follow progress at GET /feeds/uploads/{id}")
    ] = None,
) -> UploadResult:
    """A bulk file: CSV (header row) or JSON lines, read as it streams in, or XLSX (first sheet, header row),
    committed every 500 rows; progress is readable at `GET /feeds/uploads/{id}` meanwhile. Text may be
    UTF-8, GBK or GB18030 (`charset=` in Content-Type, or detected); a row that is not valid text is
    rejected with its number, never read with replacement characters. The answer carries the counts and the
    first 1,000 rows' outcomes; every row's outcome pages at `GET /feeds/uploads/{id}/rows`. A file that
    cannot be read fails the upload (422), and the upload says why. A workbook is checked before it is read:
    over a limit of its size, what it expands to, its compression ratio, its rows or its shared strings
    (XLSX_MAX_*), it fails the upload with no row read (413, `workbook-limit-exceeded`, naming the limit). A
    CSV or JSON-lines file is bounded in rows as it is read (UPLOAD_MAX_ROWS): the row past the limit fails
    the upload (413, `upload-row-limit-exceeded`, naming the limit), the rows before it taken."""
    kind, charset = kind_of(request.headers.get("content-type", ""))
    db: Database = request.app.state.db
    upload = Upload(
        id=upload_id or uuid.uuid4(), department=department, uploaded_by=principal.sub, status="running", kind=kind
    )
    async with db.transaction() as s:
        if await s.get(Upload, upload.id) is not None:
            raise BadRequest(f"Upload {upload.id} exists already")
        s.add(upload)
    try:
        shown = await _ingest_file(db, upload, department, kind, charset, request.stream())
    except BaseException as exc:  # whatever stopped it, the upload is failed, never left running
        reason = exc.detail if isinstance(exc, Problem) and exc.detail else exc.__class__.__name__
        async with db.transaction() as s:
            await s.execute(
                update(Upload)
                .where(Upload.id == upload.id)
                .values(status="failed", failure=reason[:1000], updated_at=func.now())
            )
        raise
    async with db.transaction() as s:
        await s.execute(update(Upload).where(Upload.id == upload.id).values(status="done", updated_at=func.now()))
        done = await s.get(Upload, upload.id, populate_existing=True)
    assert done is not None
    return UploadResult(
        upload=UploadPublic.model_validate(done, from_attributes=True),
        results=shown,
        more_results=done.rows > len(shown),
    )


STALLED_AFTER_S = 30 * 60  # an upload with no progress for this long lost its process (killed, redeployed)


async def stalled_uploads_loop(app: FastAPI) -> None:
    """Uploads whose process died mid-file are marked failed, so none stays `running` forever."""
    db: Database = app.state.db
    while True:
        async with db.transaction() as s:
            await s.execute(
                update(Upload)
                .where(
                    Upload.status == "running",
                    Upload.updated_at < func.now() - dt.timedelta(seconds=STALLED_AFTER_S),
                )
                .values(status="failed", failure="interrupted: no progress for 30 minutes", updated_at=func.now())
            )
        await asyncio.sleep(60)


async def _ingest_file(
    db: Database, upload: Upload, department: str, kind: str, charset: str | None, stream: AsyncIterator[bytes]
) -> list[IngestResult]:
    counts = {"accepted": 0, "duplicate": 0, "rejected": 0}
    shown: list[IngestResult] = []
    batch: list[tuple[int, Any]] = []
    encoding: list[str] = [charset] if charset else []
    rows = 0

    async def flush() -> None:
        nonlocal rows
        async with db.transaction() as s:
            results = [await _ingest_row(s, department, n, row) for n, row in batch]
            for r in results:
                counts[r.outcome] += 1
            rows += len(results)
            if results:
                await s.execute(
                    insert(UploadRow),
                    [
                        {
                            "upload_id": upload.id,
                            "row": r.row,
                            "record_id": r.record_id,
                            "outcome": r.outcome,
                            "reason": r.reason,
                        }
                        for r in results
                    ],
                )
            await s.execute(
                update(Upload)
                .where(Upload.id == upload.id)
                .values(rows=rows, updated_at=func.now(), encoding=encoding[0] if encoding else None, **counts)
            )
        shown.extend(results[: max(0, SHOWN - len(shown))])
        batch.clear()

    reader = (
        xlsx_rows(stream)
        if kind == XLSX
        else text_rows(stream, csv_format=kind == CSV, charset=charset, encoding_seen=encoding)
    )
    async for n, row in reader:
        if n > settings.upload_max_rows and kind != XLSX:  # a workbook's rows were counted before it was read
            await flush()
            raise RowLimitExceeded.over(settings.upload_max_rows, upload.id)
        batch.append((n, row))
        if len(batch) >= CHUNK:
            await flush()
    await flush()
    return shown


async def _ingest_row(session: Any, department: str, n: int, row: Any) -> IngestResult:
    if isinstance(row, str):
        return IngestResult(row=n, outcome="rejected", reason=row)
    try:
        record = service.parse(department, row)
    except ValueError as exc:
        record_id = row.get("record_id")
        return IngestResult(
            row=n,
            # kept as the accepted ones are: a number in it by its pseudonym (service.kept_as_identifier)
            record_id=cipher.pseudonymize(record_id)[:100] if isinstance(record_id, str) and record_id else None,
            outcome="rejected",
            reason=str(exc),
        )
    return IngestResult(row=n, record_id=record.record_id, outcome=await service.ingest(session, record))


@router.get("/uploads/{upload_id}", response_model=UploadPublic, responses=problem_responses(NotFound))
async def upload_progress(upload_id: uuid.UUID, session: SessionDep, principal: Authenticated) -> UploadPublic:
    """Progress of a bulk upload (rows read so far and their outcomes), while it runs and after."""
    upload = await session.get(Upload, upload_id)
    if upload is None or (principal.role != Role.admin and upload.uploaded_by != principal.sub):
        raise NotFound("No such upload")
    return UploadPublic.model_validate(upload, from_attributes=True)


@router.get(
    "/uploads/{upload_id}/rows",
    response_model=Page[IngestResult],
    responses=problem_responses(NotFound, ValidationFailed),
)
async def upload_rows(
    upload_id: uuid.UUID,
    session: SessionDep,
    principal: Authenticated,
    outcome: Literal["accepted", "duplicate", "rejected"] | None = None,
    limit: LimitQuery = 100,
    cursor: CursorQuery = None,
) -> Page[IngestResult]:
    """Every row's outcome of an upload, in row order; `outcome=rejected` lists what to correct and resend."""
    upload = await session.get(Upload, upload_id)
    if upload is None or (principal.role != Role.admin and upload.uploaded_by != principal.sub):
        raise NotFound("No such upload")
    q = select(UploadRow).where(UploadRow.upload_id == upload_id)
    if outcome:
        q = q.where(UploadRow.outcome == outcome)
    rows, next_cursor = await page_rows(session, q, (UploadRow.row,), cursor, limit)
    return Page(
        items=[IngestResult(row=r.row, record_id=r.record_id, outcome=r.outcome, reason=r.reason) for r in rows],
        next_cursor=next_cursor,
    )


@router.get("/unmatched", response_model=Page[UnmatchedRecord], responses=problem_responses(Forbidden))
async def unmatched(
    session: SessionDep,
    _: FeedsAudit,
    limit: LimitQuery = 100,
    cursor: CursorQuery = None,
    department: Annotated[str | None, Query(pattern=r"^[a-z-]+$")] = None,
) -> Page[UnmatchedRecord]:
    """Current records whose resident ID matches no registered household yet, oldest first. They are matched
    automatically when the household is registered. (No region is known for them: national roles only.)"""
    q = select(DeptRecord).where(DeptRecord.household_id.is_(None), DeptRecord.superseded.is_(False))
    if department:
        q = q.where(DeptRecord.department == department)
    items, next_cursor = await page_rows(session, q, (DeptRecord.received_at, DeptRecord.id), cursor, limit)
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
