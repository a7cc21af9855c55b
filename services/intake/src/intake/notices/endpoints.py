"""The public-notice list of a village (村级初选名单公示), as JSON or CSV for printing and posting."""

import csv
import io
from typing import Annotated

from fastapi import APIRouter, Path, Query
from fastapi.responses import Response

from common.access import NoticesRead
from common.access_audit import audited
from common.auth import ensure_covers
from common.db import SessionDep
from common.errors import Forbidden, NotFound, ValidationFailed, problem_responses
from common.exports import csv_row
from common.pagination import CursorQuery, LimitQuery, Page, page_list
from common.regions import full_name, validate_region_code
from intake.cases import queries
from intake.cases.schemas import NoticeEntry
from intake.crypto import NAME_FIELD, cipher
from intake.mechanisms import audit

router = APIRouter(prefix="/villages", tags=["public notices"])
CSV_COLUMNS = ["case_id", "household_no", "head_name", "members_count", "risk_categories", "published_on", "ends_on"]


@router.get(
    "/{village_code}/public-notice",
    response_model=Page[NoticeEntry],
    responses={**problem_responses(Forbidden, NotFound, ValidationFailed), 200: {"content": {"text/csv": {}}}},
    openapi_extra=audited("public-notice list"),
)
async def public_notice(
    village_code: Annotated[str, Path(pattern=r"^\d{12}$")],
    session: SessionDep,
    principal: NoticesRead,
    format: Annotated[str, Query(pattern="^(json|csv)$")] = "json",
    cursor: CursorQuery = None,
    limit: LimitQuery = 200,
) -> Response | Page[NoticeEntry]:
    """Households of a village currently in public notice, with the notice's end date. `format=csv` gives
    a UTF-8 (BOM) CSV that spreadsheet programs open with Chinese text intact. For the village's cadres and
    the officers above them; it names heads of household, so each household listed is an audited read."""
    try:
        validate_region_code(village_code, required_level="village")
    except ValueError as exc:
        raise ValidationFailed(
            str(exc),
            errors=[
                {
                    "field": "village_code",
                    "message": str(exc),
                    "type": "value_error",
                    "message_zh": getattr(exc, "zh", "村代码无效"),
                }
            ],
            zh=getattr(exc, "zh", "村代码无效"),
        ) from None
    ensure_covers(principal, village_code, "village")
    rows = await queries.notices(session, village_code)
    entries = [
        NoticeEntry(
            case_id=r.Case.id,
            household_no=r.household_no,
            head_name=cipher.decrypt(r.head_name, NAME_FIELD) if r.head_name else "",
            members_count=r.members_count,
            risk_categories=sorted({x["category"] for x in r.Case.risks}),
            published_on=r.Case.notice_published_on,
            ends_on=r.Case.notice_ends_on,
        )
        for r in rows
    ]
    # JSON pages; the CSV is the whole list, to print and post. What is shown is what is audited.
    page = page_list(entries, lambda e: str(e.case_id), cursor, limit) if format == "json" else None
    shown = {e.case_id for e in page.items} if page else {e.case_id for e in entries}
    await audit.reads(
        session,
        principal,
        [(r.Case.household_id, r.Case.region_code) for r in rows if r.Case.id in shown],
        "public-notice list",
        "public notice",
    )
    if page is not None:
        return page
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out)
    writer.writerow([f"{full_name(village_code)} 拟认定监测对象村级初选名单公示"])
    writer.writerow(CSV_COLUMNS)
    for e in entries:
        writer.writerow(
            csv_row(
                [
                    e.case_id,
                    e.household_no,
                    e.head_name,
                    e.members_count,
                    " ".join(e.risk_categories),
                    e.published_on,
                    e.ends_on,
                ]
            )
        )
    return Response(
        out.getvalue(),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="public-notice-{village_code}.csv"'},
    )
