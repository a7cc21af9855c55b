"""Exports for the national monitoring information system (全国防返贫监测信息系统 / 扶贫开发信息系统): a batch
of what changed since the region's last one, as that system's entry needs it (JSON, or XLSX to key in or
import), and the log of every batch and what the national system acknowledged."""

import io
import uuid
from typing import Any, Literal

from fastapi import APIRouter, Response
from openpyxl import Workbook
from sqlalchemy import or_, select

from common import clock
from common.access import NationalExportRead, NationalExportWrite
from common.auth import ensure_covers
from common.db import SessionDep
from common.errors import Conflict, Forbidden, NotFound, ValidationFailed, problem_responses
from common.exports import print_ready, xlsx_text_only
from common.pagination import CursorQuery, LimitQuery, Page, page_rows
from ledger.exports import service
from ledger.exports.models import NationalExport, NationalExportAck
from ledger.exports.schemas import AckCreate, ExportBatch, ExportCreate, ExportPublic, NationalRecord

router = APIRouter(prefix="/national-exports", tags=["national system"])
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
COLUMNS = [
    ("household_no", "户编号"),
    ("region_name", "所在地"),
    ("category", "户类别"),
    ("people", "家庭人口"),
    ("status", "监测状态"),
    ("object_type", "监测对象类型"),
    ("risks", "返贫致贫风险"),
    ("identified_on", "审定日期"),
    ("identification_no", "审定批复文号"),
    ("measures", "帮扶措施"),
    ("eliminated_on", "风险消除日期"),
    ("elimination_no", "风险消除批复文号"),
]


@router.post(
    "",
    status_code=201,
    response_model=ExportBatch,
    responses=problem_responses(Forbidden, NotFound, Conflict, ValidationFailed),
)
async def export(body: ExportCreate, session: SessionDep, principal: NationalExportWrite) -> ExportBatch:
    """The region's next batch: every household whose record changed in the log since its last batch, each
    as of now, for entry in the national system; 409 when nothing changed. Kept in the export log."""
    ensure_covers(principal, body.region_prefix, "region")
    batch, records = await service.create(session, principal, body.region_prefix)
    return await service.public(session, batch, records)


@router.get("", response_model=Page[ExportPublic], responses=problem_responses(Forbidden))
async def exports(
    session: SessionDep, principal: NationalExportRead, cursor: CursorQuery = None, limit: LimitQuery = 50
) -> Page[ExportPublic]:
    """The export log of my jurisdiction, newest first, each batch with what the national system answered."""
    q = select(NationalExport)
    if not principal.national:
        q = q.where(or_(*(NationalExport.region_prefix.startswith(p) for p in principal.prefixes)))
    rows, next_cursor = await page_rows(
        session, q, (NationalExport.exported_at, NationalExport.id), cursor, limit, descending=True
    )
    return Page(items=[await service.public(session, b) for b in rows], next_cursor=next_cursor)


@router.get(
    "/{export_id}",
    response_model=ExportBatch,
    responses={**problem_responses(Forbidden, NotFound), 200: {"content": {"application/json": {}, XLSX: {}}}},
)
async def batch(
    export_id: uuid.UUID, session: SessionDep, principal: NationalExportRead, format: Literal["json", "xlsx"] = "json"
) -> Any:
    """A batch again, exactly as exported (the log as of its last leaf), as JSON or as a sheet."""
    found = await service.batch_of(session, principal, export_id)
    records = await service.records_of(session, await service.households_in(session, found), found.through_leaf)
    if format == "xlsx":
        return Response(
            _sheet(found, records),
            media_type=XLSX,
            headers={"Content-Disposition": f'attachment; filename="national-{found.id}.xlsx"'},
        )
    return await service.public(session, found, records)


@router.post(
    "/{export_id}/acknowledgement",
    status_code=201,
    response_model=ExportPublic,
    responses=problem_responses(Forbidden, NotFound, ValidationFailed),
)
async def acknowledge(
    export_id: uuid.UUID, body: AckCreate, session: SessionDep, principal: NationalExportWrite
) -> ExportPublic:
    """Record what the national system answered for a batch (how many it accepted and rejected). A later
    answer is kept beside the earlier one; the latest is the batch's state."""
    found = await service.batch_of(session, principal, export_id)
    if body.accepted + body.rejected > found.records:
        raise ValidationFailed.on("accepted", "more than the batch holds", zh="超过本批导出的户数")
    session.add(
        NationalExportAck(id=uuid.uuid4(), export_id=found.id, acknowledged_by=principal.sub, **body.model_dump())
    )
    await session.flush()
    return await service.public(session, found)


def _sheet(found: NationalExport, records: list[NationalRecord]) -> bytes:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.append([f"全国防返贫监测信息系统录入清单（{found.region_prefix}）"])
    leaves = f"账本记录 {found.after_leaf + 1}–{found.through_leaf}"
    ws.append([f"导出于 {clock.official_time(found.exported_at)}（北京时间）  {leaves}"])
    ws.merge_cells(start_row=2, start_column=1, end_row=2, end_column=len(COLUMNS))
    ws.append([label for _, label in COLUMNS])
    for r in records:
        row = r.model_dump()
        ws.append(["、".join(v) if isinstance(v := row[k], list) else v for k, _ in COLUMNS])
    xlsx_text_only(ws)
    print_ready(ws, first_row=3, header_row=3, span=len(COLUMNS), landscape=True)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
