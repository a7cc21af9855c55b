"""Screening sweeps (排查): a county or township plans one for its households and a period; cadres record
each household's visit; coverage per village and township, the villages behind schedule, and the report
that shows every household was looked at (应纳尽纳)."""

import io
import uuid
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Response
from openpyxl import Workbook
from sqlalchemy import select

from common import clock
from common.access import SweepsPlan, SweepsRead, SweepsVisit, within
from common.db import SessionDep
from common.errors import Forbidden, NotFound, ValidationFailed, problem_responses
from common.exports import print_ready, xlsx_text_only
from common.pagination import CursorQuery, LimitQuery, Page, page_list, page_rows
from common.regions import full_name
from common.vocabulary import SWEEP_KIND_ZH, VISIT_RESULT_ZH
from screening.sweeps import service
from screening.sweeps.models import Sweep, SweepVisit
from screening.sweeps.schemas import Coverage, CoverageRow, SweepCreate, SweepPublic, VisitCreate, VisitPublic

router = APIRouter(prefix="/sweeps", tags=["screening sweeps"])
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def public(sweep: Sweep) -> SweepPublic:
    return SweepPublic(
        id=sweep.id,
        region_code=sweep.region_code,
        region_name=full_name(sweep.region_code),
        kind=sweep.kind,
        kind_zh=SWEEP_KIND_ZH.get(sweep.kind, sweep.kind),
        name=sweep.name,
        period_start=sweep.period_start,
        period_end=sweep.period_end,
        planned_by=sweep.planned_by,
        created_at=sweep.created_at,
    )


@router.post("", status_code=201, response_model=SweepPublic, responses=problem_responses(Forbidden, ValidationFailed))
async def plan_sweep(body: SweepCreate, session: SessionDep, principal: SweepsPlan) -> SweepPublic:
    """Plan a sweep of every registered household of a county, township or village in my jurisdiction, over
    a period (at most a year): a concentrated screening (集中排查, at least once a year: 中农组发〔2021〕7号), a
    回头看 (仲恺: half-yearly) or a monthly round (宁夏). Published on `screening.sweep.v1`."""
    sweep = await service.plan(session, principal, body)
    await session.refresh(sweep)
    return public(sweep)


@router.get("", response_model=Page[SweepPublic], responses=problem_responses(Forbidden))
async def list_sweeps(
    session: SessionDep,
    principal: SweepsRead,
    current: Annotated[bool, Query(description="only the sweeps whose period includes today")] = False,
    cursor: CursorQuery = None,
    limit: LimitQuery = 50,
) -> Page[SweepPublic]:
    """The sweeps of my jurisdiction and those covering it, newest first."""
    q = select(Sweep).where(service.visible(principal))
    if current:
        today = clock.today()
        q = q.where(Sweep.period_start <= today, Sweep.period_end >= today)
    rows, next_cursor = await page_rows(session, q, (Sweep.created_at, Sweep.id), cursor, limit, descending=True)
    return Page(items=[public(s) for s in rows], next_cursor=next_cursor)


@router.get("/{sweep_id}", response_model=SweepPublic, responses=problem_responses(Forbidden, NotFound))
async def get_sweep(sweep_id: uuid.UUID, session: SessionDep, principal: SweepsRead) -> SweepPublic:
    return public(await service.get(session, principal, sweep_id))


@router.post(
    "/{sweep_id}/visits",
    status_code=201,
    response_model=VisitPublic,
    responses=problem_responses(Forbidden, NotFound, ValidationFailed),
)
async def record_visit(
    sweep_id: uuid.UUID, body: VisitCreate, session: SessionDep, principal: SweepsVisit
) -> VisitPublic:
    """The cadre's visit of one household: no change, a risk found and declared, refused, or not at home.
    The date is checked against the sweep's period and today (China Standard Time). A household visited again
    keeps both visits; the latest counts. A risk found is declared through intake (`POST /cases`)."""
    sweep = await service.get(session, principal, sweep_id)
    return VisitPublic.model_validate(await service.visit(session, principal, sweep, body))


@router.get("/{sweep_id}/visits", response_model=Page[VisitPublic], responses=problem_responses(Forbidden, NotFound))
async def list_visits(
    sweep_id: uuid.UUID, session: SessionDep, principal: SweepsRead, cursor: CursorQuery = None, limit: LimitQuery = 100
) -> Page[VisitPublic]:
    """The visits recorded in a sweep within my jurisdiction, in the order recorded."""
    sweep = await service.get(session, principal, sweep_id)
    q = select(SweepVisit).where(SweepVisit.sweep_id == sweep.id, within(SweepVisit, principal))
    rows, next_cursor = await page_rows(session, q, (SweepVisit.recorded_at, SweepVisit.id), cursor, limit)
    return Page(items=[VisitPublic.model_validate(v) for v in rows], next_cursor=next_cursor)


@router.get(
    "/{sweep_id}/coverage",
    response_model=Coverage,
    responses={**problem_responses(Forbidden, NotFound), 200: {"content": {"application/json": {}, XLSX: {}}}},
)
async def coverage(
    sweep_id: uuid.UUID,
    session: SessionDep,
    principal: SweepsRead,
    by: Literal["village", "township"] = "village",
    format: Literal["json", "xlsx"] = "json",
) -> Any:
    """The sweep report: per village (or township) the registered households, those looked at and by what
    result, the share against where the period says it should be, and whether every household of the region
    was looked at (应纳尽纳). As XLSX, a sheet to print and file."""
    sweep = await service.get(session, principal, sweep_id)
    today = clock.today()
    rows = await service.coverage(session, principal, sweep, 12 if by == "village" else 9, today)
    households, visited = sum(int(r["households"]) for r in rows), sum(int(r["visited"]) for r in rows)  # type: ignore[call-overload]
    report = Coverage(
        sweep=public(sweep),
        as_of=today,
        by=by,
        rows=[CoverageRow.model_validate(r) for r in rows],
        households=households,
        visited=visited,
        complete=households > 0 and visited >= households,
    )
    if format == "xlsx":
        return Response(
            _sheet(report),
            media_type=XLSX,
            headers={"Content-Disposition": f'attachment; filename="sweep-{sweep.id}.xlsx"'},
        )
    return report


@router.get("/behind/villages", response_model=Page[CoverageRow], responses=problem_responses(Forbidden))
async def behind(
    session: SessionDep, principal: SweepsRead, cursor: CursorQuery = None, limit: LimitQuery = 100
) -> Page[CoverageRow]:
    """The work queue: villages of my jurisdiction behind schedule in the sweeps running today (the share of
    their households looked at trails the share of the period elapsed by more than ten points)."""
    today = clock.today()
    q = select(Sweep).where(service.visible(principal), Sweep.period_start <= today, Sweep.period_end >= today)
    late = []
    for sweep in (await session.execute(q.order_by(Sweep.created_at))).scalars():
        for row in await service.coverage(session, principal, sweep, 12, today):
            if row["behind"]:
                late.append(CoverageRow.model_validate(row))
    return page_list(late, lambda r: r.region_code, cursor, limit)


def _sheet(report: Coverage) -> bytes:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    sweep = report.sweep
    results = list(VISIT_RESULT_ZH)
    header = [
        "区划代码",
        "村（社区）" if report.by == "village" else "乡镇（街道）",
        "应排查户数",
        "已排查户数",
        "排查比例",
    ]
    header += [VISIT_RESULT_ZH[r] for r in results] + ["进度滞后"]
    ws.append([f"{sweep.region_name}{sweep.name}（{sweep.kind_zh}）排查情况"])
    ws.append([f"排查期间 {sweep.period_start} 至 {sweep.period_end}    截至 {report.as_of}（北京时间）"])
    ws.merge_cells(start_row=2, start_column=1, end_row=2, end_column=len(header))
    ws.append(header)
    for r in report.rows:
        ws.append(
            [r.region_code, r.region_name, r.households, r.visited, f"{r.share:.0%}"]
            + [r.by_result.get(k, 0) for k in results]
            + ["是" if r.behind else "否"]
        )
    ws.append(
        [
            "合计",
            "",
            report.households,
            report.visited,
            f"{report.visited / report.households:.0%}" if report.households else "—",
        ]
    )
    ws.append([f"应纳尽纳：{'全部已排查' if report.complete else f'尚有{report.households - report.visited}户未排查'}"])
    ws.merge_cells(start_row=ws.max_row, start_column=1, end_row=ws.max_row, end_column=len(header))
    xlsx_text_only(ws)
    print_ready(ws, first_row=3, header_row=3, span=len(header), landscape=True)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
