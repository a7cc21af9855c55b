"""For departments: upload a file of records and see each row's outcome (the rejected ones, and why)."""

import uuid
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import RedirectResponse, Response
from starlette.datastructures import UploadFile

from common.errors import NotFound
from console.departments import service as departments
from console.session import CheckedForm, CurrentSession, Session
from console.web import render

router = APIRouter()


def _department(session: Session) -> str:
    # Only a department's account uploads, and only its own feed (screening refuses any other all the same).
    if session.principal.role.value != "department" or not session.principal.department:
        raise NotFound()
    return session.principal.department


@router.get("/uploads")
async def upload_page(request: Request, session: CurrentSession) -> Response:
    department = _department(session)
    return render(request, "uploads.html", department=department, errors={}, refused=None, upload_id=uuid.uuid4())


@router.post("/uploads")
async def upload(request: Request, session: CurrentSession, data: CheckedForm) -> Response:
    department = _department(session)
    file = data.get("file")
    errors: dict[str, str] = {}
    try:
        upload_id = uuid.UUID(str(data.get("upload_id", "")))
    except ValueError:
        upload_id = uuid.uuid4()
    kind = departments.kind_of(file.filename or "") if isinstance(file, UploadFile) else None
    if not isinstance(file, UploadFile) or not file.filename:
        errors["file"] = "请选择要上传的文件"
    elif kind is None:
        errors["file"] = "文件须为CSV（.csv）、JSON Lines（.jsonl）或Excel工作簿（.xlsx）"
    if errors or kind is None or not isinstance(file, UploadFile):
        return render(
            request, "uploads.html", 422, department=department, errors=errors, refused=None, upload_id=upload_id
        )
    result, refused = await departments.send(request.app.state.upstream, session, department, file, kind, upload_id)
    if refused is not None:
        return render(
            request, "uploads.html", 422, department=department, errors={}, refused=refused, upload_id=uuid.uuid4()
        )
    assert result is not None
    return RedirectResponse(f"/uploads/{result['upload']['id']}", status_code=303)


@router.get("/uploads/{upload_id}")
async def upload_outcome(
    request: Request,
    session: CurrentSession,
    upload_id: uuid.UUID,
    cursor: Annotated[str | None, Query(max_length=500)] = None,
) -> Response:
    _department(session)
    upstream = request.app.state.upstream
    progress = await upstream.get(session, "screening", f"/feeds/uploads/{upload_id}")
    rows = await departments.rejected_rows(upstream, session, upload_id, cursor)
    return render(request, "upload.html", progress=progress, rows=rows, outcome_zh=departments.OUTCOME_ZH)
