import dataclasses
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Response

from assistance.reports.pdf import to_pdf
from assistance.reports.service import build, to_xlsx
from common.access import ReportsRead
from common.auth import ensure_covers
from common.db import SessionDep
from common.errors import Forbidden, NotFound, problem_responses

router = APIRouter(prefix="/reports", tags=["reports"])
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PDF = "application/pdf"


@router.get(
    "/monthly",
    responses={
        **problem_responses(Forbidden, NotFound),
        200: {
            "content": {"application/json": {}, XLSX: {}, PDF: {}},
            "description": "the report, as JSON, XLSX, or a PDF with charts for a briefing",
        },
    },
)
async def monthly_report(
    session: SessionDep,
    principal: ReportsRead,
    township: Annotated[
        str,
        Query(
            pattern=r"^(\d{6}|\d{9})$",
            description="township (乡镇) code; a county's (6 digits) rolls its townships up, a row each",
        ),
    ],
    month: Annotated[str, Query(pattern=r"^20\d{2}-(0[1-9]|1[0-2])$")],
    format: Literal["json", "xlsx", "pdf"] = "json",
) -> Any:
    """The township's monthly report, due by the day of the next month its jurisdiction's pack gives (弥勒市:
    the 3rd; 宁夏: the 10th; `due_by_source` names the pack): households newly monitored and eliminated,
    measures implemented and overdue, by village (by township for a county), with the lists of households,
    the standing by risk and type, and the last twelve months; as PDF, with charts of them for a briefing."""
    ensure_covers(principal, township, "region")
    report = await build(session, township, month)
    if format in ("xlsx", "pdf"):
        body, media = (to_xlsx(report), XLSX) if format == "xlsx" else (to_pdf(report), PDF)
        return Response(
            body,
            media_type=media,
            headers={"Content-Disposition": f'attachment; filename="monthly-{township}-{month}.{format}"'},
        )
    return dataclasses.asdict(report)
