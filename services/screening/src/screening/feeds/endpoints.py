import asyncio
import datetime as dt
import uuid
from collections.abc import AsyncIterator
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Body, FastAPI, Header, Query, Request, Response
from sqlalchemy import func, insert, select, update

from common import clock
from common.access import Authenticated, FeedsAudit, FeedsWrite
from common.auth import Role
from common.db import Database, SessionDep
from common.errors import (
    BadRequest,
    Forbidden,
    NotFound,
    PayloadTooLarge,
    Problem,
    ValidationFailed,
    problem_responses,
    wants_chinese,
)
from common.pagination import CursorQuery, LimitQuery, Page, page_rows
from common.workbook import WorkbookTooLarge
from screening.config import settings
from screening.crypto import cipher
from screening.feeds import columns, service
from screening.feeds.columns import UnknownColumns
from screening.feeds.files import CSV, XLSX, NotAFile, Refused, RowLimitExceeded, kind_of, text_rows, xlsx_rows
from screening.feeds.forms import FORM, file_part
from screening.feeds.models import DeptRecord, Upload, UploadRow
from screening.feeds.schemas import SHOWN, IngestResult, UnmatchedRecord, UploadPublic, UploadResult, public, worded
from screening.policies.gaps import gaps

router = APIRouter(prefix="/feeds", tags=["department feeds"])
CHUNK = 500


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
    request: Request,
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
        zh = columns.reason_zh(department, exc)
        raise ValidationFailed(
            str(exc), zh=zh, errors=[{"field": "body", "message": str(exc), "type": "value_error", "message_zh": zh}]
        ) from None
    outcome = await service.ingest(session, record)
    chinese = wants_chinese(request.headers.get("accept-language"))
    warnings = [g.message_zh if chinese else g.message for g in await gaps(session, record.event_date.year)]
    return IngestResult(record_id=record.record_id, outcome=outcome, warnings=warnings)


@router.post(
    "/{department}/uploads",
    response_model=UploadResult,
    responses=problem_responses(
        Forbidden, NotFound, BadRequest, NotAFile, UnknownColumns, PayloadTooLarge, WorkbookTooLarge, RowLimitExceeded
    ),
    openapi_extra={
        "requestBody": {
            "content": {
                FORM: {
                    "schema": {
                        "type": "object",
                        "properties": {"file": {"type": "string", "format": "binary"}},
                        "required": ["file"],
                    }
                },
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
    sent as the body or as the `file` part of a `multipart/form-data` form (its kind from the part's
    Content-Type or the file name's extension), committed every 500 rows; progress is readable at `GET
    /feeds/uploads/{id}` meanwhile. A header names each column by its field, or by the Chinese name or a
    synonym the department's contract declares (`GET /feeds/{department}/template` lists them), and an
    enumerated value may be written as its Chinese label; an unknown column fails the upload (422,
    `unknown-columns`). Text may be UTF-8, GBK or GB18030 (`charset=` in Content-Type, or detected); a row
    that is not valid text is rejected with its number, never read with replacement characters. The answer
    carries the counts and the first 1,000 rows' outcomes; every row's outcome pages at `GET
    /feeds/uploads/{id}/rows`. A file that cannot be read fails the upload (422), and the upload says why. A
    workbook is checked before it is read: over a limit of its size, what it expands to, its compression
    ratio, its rows or its shared strings (XLSX_MAX_*), it fails the upload with no row read (413,
    `workbook-limit-exceeded`, naming the limit); a formula cell rejects its row. A CSV or JSON-lines file
    is bounded in rows as it is read (UPLOAD_MAX_ROWS): the row past the limit fails the upload (413,
    `upload-row-limit-exceeded`, naming the limit), the rows before it taken."""
    content_type = request.headers.get("content-type", "")
    if content_type.split(";")[0].strip().lower() == FORM:
        async with file_part(request) as (content_type, stream):
            return await _upload(department, principal, request, upload_id, content_type, stream)
    return await _upload(department, principal, request, upload_id, content_type, request.stream())


async def _upload(
    department: str,
    principal: Any,
    request: Request,
    upload_id: uuid.UUID | None,
    content_type: str,
    stream: AsyncIterator[bytes],
) -> UploadResult:
    kind, charset = kind_of(content_type)
    db: Database = request.app.state.db
    upload = Upload(
        id=upload_id or uuid.uuid4(), department=department, uploaded_by=principal.sub, status="running", kind=kind
    )
    async with db.transaction() as s:
        if await s.get(Upload, upload.id) is not None:
            raise BadRequest(f"Upload {upload.id} exists already", zh=f"上传 {upload.id} 已存在")
        s.add(upload)
    try:
        shown = await _ingest_file(db, upload, department, kind, charset, stream)
    except BaseException as exc:  # whatever stopped it, the upload is failed, never left running
        reason = exc.detail if isinstance(exc, Problem) and exc.detail else exc.__class__.__name__
        reason_zh = exc.detail_zh if isinstance(exc, Problem) and exc.detail_zh else "上传意外中断"
        async with db.transaction() as s:
            await s.execute(
                update(Upload)
                .where(Upload.id == upload.id)
                .values(status="failed", failure=reason[:1000], failure_zh=reason_zh[:1000], updated_at=func.now())
            )
        raise
    async with db.transaction() as s:
        await s.execute(update(Upload).where(Upload.id == upload.id).values(status="done", updated_at=func.now()))
        done = await s.get(Upload, upload.id, populate_existing=True)
    assert done is not None
    chinese = wants_chinese(request.headers.get("accept-language"))
    return UploadResult(
        upload=public(done, chinese), results=[worded(r, chinese) for r in shown], more_results=done.rows > len(shown)
    )


@router.get(
    "/{department}/template",
    response_class=Response,
    responses={
        200: {"content": {XLSX: {"schema": {"type": "string", "format": "binary"}}}, "description": "the template"},
        **problem_responses(Forbidden, NotFound),
    },
)
async def upload_template(department: FeedsWrite) -> Response:
    """The department's upload template (XLSX): its columns under their Chinese names, a list to choose
    from in each enumerated column, an example row, and a sheet listing each column's other names and
    values. Filled in and sent to `POST /feeds/{department}/uploads` as it is."""
    body = columns.template(department, clock.today())
    name = f"{department}-template.xlsx"
    return Response(body, media_type=XLSX, headers={"Content-Disposition": f'attachment; filename="{name}"'})


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
                .values(
                    status="failed",
                    failure="interrupted: no progress for 30 minutes",
                    failure_zh="已中断：30分钟无进展",
                    updated_at=func.now(),
                )
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
                            "reason_zh": r.reason_zh,
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

    def fields(header: list[str]) -> list[str]:
        return columns.fields_of(department, header)

    reader = (
        xlsx_rows(stream, fields=fields)
        if kind == XLSX
        else text_rows(stream, csv_format=kind == CSV, charset=charset, encoding_seen=encoding, fields=fields)
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
    if isinstance(row, Refused):
        return IngestResult(row=n, outcome="rejected", reason=row.en, reason_zh=row.zh)
    try:
        record = service.parse(department, columns.codes(department, row))
    except ValueError as exc:
        record_id = row.get("record_id")
        return IngestResult(
            row=n,
            # kept as the accepted ones are: a number in it by its pseudonym (service.kept_as_identifier)
            record_id=cipher.pseudonymize(record_id)[:100] if isinstance(record_id, str) and record_id else None,
            outcome="rejected",
            reason=str(exc),
            reason_zh=columns.reason_zh(department, exc),
        )
    return IngestResult(row=n, record_id=record.record_id, outcome=await service.ingest(session, record))


@router.get("/uploads/{upload_id}", response_model=UploadPublic, responses=problem_responses(NotFound))
async def upload_progress(
    upload_id: uuid.UUID, session: SessionDep, principal: Authenticated, request: Request
) -> UploadPublic:
    """Progress of a bulk upload (rows read so far and their outcomes), while it runs and after."""
    upload = await session.get(Upload, upload_id)
    if upload is None or (principal.role != Role.admin and upload.uploaded_by != principal.sub):
        raise NotFound("No such upload", zh="没有这次上传")
    return public(upload, wants_chinese(request.headers.get("accept-language")))


@router.get(
    "/uploads/{upload_id}/rows",
    response_model=Page[IngestResult],
    responses=problem_responses(NotFound, ValidationFailed),
)
async def upload_rows(
    upload_id: uuid.UUID,
    session: SessionDep,
    principal: Authenticated,
    request: Request,
    outcome: Literal["accepted", "duplicate", "rejected"] | None = None,
    limit: LimitQuery = 100,
    cursor: CursorQuery = None,
) -> Page[IngestResult]:
    """Every row's outcome of an upload, in row order; `outcome=rejected` lists what to correct and resend."""
    upload = await session.get(Upload, upload_id)
    if upload is None or (principal.role != Role.admin and upload.uploaded_by != principal.sub):
        raise NotFound("No such upload", zh="没有这次上传")
    q = select(UploadRow).where(UploadRow.upload_id == upload_id)
    if outcome:
        q = q.where(UploadRow.outcome == outcome)
    rows, next_cursor = await page_rows(session, q, (UploadRow.row,), cursor, limit)
    chinese = wants_chinese(request.headers.get("accept-language"))
    results = [
        IngestResult(row=r.row, record_id=r.record_id, outcome=r.outcome, reason=r.reason, reason_zh=r.reason_zh)
        for r in rows
    ]
    return Page(items=[worded(r, chinese) for r in results], next_cursor=next_cursor)


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
