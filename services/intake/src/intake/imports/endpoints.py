"""Imports of a county's existing households and their monitoring history (the national system's and the
poverty census's files): POST the file, follow its progress, read its per-row report."""

import uuid
from typing import Annotated

from fastapi import APIRouter, Query, Request, Response
from sqlalchemy import select

from common.access import ImportsRead, ImportsRun
from common.db import SessionDep
from common.errors import Conflict, Forbidden, NotFound, ValidationFailed, problem_responses
from common.pagination import CursorQuery, LimitQuery, Page, page_rows
from common.workbook import WorkbookTooLarge
from intake.config import settings
from intake.imports import service, template
from intake.imports.models import ImportRow
from intake.imports.schemas import ImportJobPublic, ImportRowPublic, Outcome

router = APIRouter(tags=["imports"])
CSV, XLSX = "text/csv", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FILE_BODY = {"requestBody": {"content": {k: {"schema": {"type": "string", "format": "binary"}} for k in (CSV, XLSX)}}}


@router.post(
    "/imports",
    status_code=202,
    response_model=ImportJobPublic,
    responses=problem_responses(
        Forbidden, Conflict, service.UnreadableImport, service.ImportTooLarge, WorkbookTooLarge, ValidationFailed
    ),
    openapi_extra=FILE_BODY,
)
async def submit(
    request: Request,
    session: SessionDep,
    principal: ImportsRun,
    filename: Annotated[str, Query(min_length=1, max_length=200, examples=["弥勒市监测户.xlsx"])],
) -> ImportJobPublic:
    """Import a county's households, members, categories and monitoring history from a CSV (UTF-8 or GBK) or
    XLSX file with Chinese headers (docs/imports.md; `GET /imports/template`). The job runs in the service
    and is followed at `GET /imports/{id}`. The same file again answers its job, and continues it if it
    stopped: nothing is applied twice. Rows outside the caller's jurisdiction are refused."""
    content = await _received(request)
    if not content:
        raise ValidationFailed.on("body", "the file is empty", zh="文件为空")
    job = await service.submit(session, principal, filename, content)
    return ImportJobPublic.model_validate(job)


async def _received(request: Request) -> bytes:
    """The body, read no further than IMPORT_MAX_BYTES (the door's own limit for uploads is far larger)."""
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > settings.import_max_bytes:
            raise service.too_large()
    return bytes(body)


@router.get(
    "/imports/template",
    responses={200: {"content": {XLSX: {}}}},
)
async def download_template(principal: ImportsRead) -> Response:
    """The XLSX template: the headers the import reads, an example household, the words each column takes."""
    return Response(
        template.workbook(),
        media_type=XLSX,
        headers={"Content-Disposition": 'attachment; filename="import-template.xlsx"'},
    )


@router.get("/imports/{import_id}", response_model=ImportJobPublic, responses=problem_responses(Forbidden, NotFound))
async def progress(import_id: uuid.UUID, session: SessionDep, principal: ImportsRead) -> ImportJobPublic:
    """An import's progress and counts."""
    return ImportJobPublic.model_validate(await service.get(session, principal, import_id))


@router.get(
    "/imports/{import_id}/rows",
    response_model=Page[ImportRowPublic],
    responses=problem_responses(Forbidden, NotFound),
)
async def rows(
    import_id: uuid.UUID,
    session: SessionDep,
    principal: ImportsRead,
    outcome: Outcome | None = None,
    cursor: CursorQuery = None,
    limit: LimitQuery = 50,
) -> Page[ImportRowPublic]:
    """The per-row report, in the file's row order: what was imported, left unchanged, or refused and why
    (in Chinese). `outcome=refused` lists only the refusals."""
    job = await service.get(session, principal, import_id)
    q = select(ImportRow).where(ImportRow.job_id == job.id)
    if outcome is not None:
        q = q.where(ImportRow.outcome == outcome.value)
    found, next_cursor = await page_rows(session, q, (ImportRow.row,), cursor, limit)
    return Page(items=[ImportRowPublic.model_validate(r) for r in found], next_cursor=next_cursor)
