"""A plan's page and its steps as forms."""

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Path, Request
from fastapi.responses import RedirectResponse, Response

from common import clock
from common.errors import NotFound
from console.cases import forms
from console.plans import service as plans
from console.session import CheckedForm, CurrentSession, Session
from console.web import render

router = APIRouter()


async def _show(request: Request, session: Session, plan_id: uuid.UUID, status: int = 200, **extra: Any) -> Response:
    page = await plans.plan_page(request.app.state.upstream, session, str(plan_id))
    context = {"action": None, "errors": {}, "values": {}, "refused": None, "today": clock.today().isoformat(), **extra}
    return render(request, "plan.html", status=status, **page, **context)


@router.get("/plans/{plan_id}")
async def plan_page(request: Request, session: CurrentSession, plan_id: uuid.UUID) -> Response:
    return await _show(request, session, plan_id)


@router.post("/plans/{plan_id}/steps/{step}")
async def take_step(
    request: Request,
    session: CurrentSession,
    data: CheckedForm,
    plan_id: uuid.UUID,
    step: Annotated[str, Path(max_length=40)],
) -> Response:
    upstream = request.app.state.upstream
    page = await plans.plan_page(upstream, session, str(plan_id))
    if step not in page["allowed"]:
        raise NotFound()
    form = forms.Form(data)
    try:
        refused = await plans.take(upstream, session, page["plan"], step, form)
    except forms.Invalid as invalid:
        return await _show(request, session, plan_id, 422, action=step, errors=invalid.errors, values=data)
    if refused is not None:
        errors = {forms.field_of(k): v for k, v in refused.fields.items()}
        return await _show(request, session, plan_id, 422, action=step, errors=errors, values=data, refused=refused)
    return RedirectResponse(f"/plans/{plan_id}?done={step}", status_code=303)
