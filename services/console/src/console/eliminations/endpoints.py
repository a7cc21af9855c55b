"""A risk's elimination: proposing it from the household's page, its page and steps, the county's batch."""

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Path, Request
from fastapi.responses import RedirectResponse, Response

from common import clock
from common.errors import NotFound
from console.cases import forms
from console.eliminations import service as eliminations
from console.session import CheckedForm, CurrentSession, Session
from console.web import render

router = APIRouter()


def _errors(fields: dict[str, str]) -> dict[str, str]:
    return {forms.field_of(k): v for k, v in fields.items()}


async def _show(
    request: Request, session: Session, elimination_id: uuid.UUID, status: int = 200, **extra: Any
) -> Response:
    found = await eliminations.page(request.app.state.upstream, session, str(elimination_id))
    context = {"action": None, "errors": {}, "values": {}, "refused": None, "today": clock.today().isoformat(), **extra}
    return render(request, "elimination.html", status=status, **found, **context)


@router.post("/households/{household_id}/eliminations")
async def propose(request: Request, session: CurrentSession, data: CheckedForm, household_id: uuid.UUID) -> Response:
    if session.principal.role.value not in eliminations.PROPOSERS:
        raise NotFound()
    form = forms.Form(data)
    try:
        body = eliminations.propose_body(form, str(household_id))
    except forms.Invalid as invalid:
        return render(request, "propose.html", 422, household_id=household_id, errors=invalid.errors, values=data,
                      refused=None, today=clock.today().isoformat())  # fmt: skip
    created, refused = await request.app.state.upstream.write(session, "assistance", "/eliminations", body)
    if refused is not None:
        return render(request, "propose.html", 422, household_id=household_id, errors=_errors(refused.fields),
                      values=data, refused=refused, today=clock.today().isoformat())  # fmt: skip
    return RedirectResponse(f"/eliminations/{created['id']}", status_code=303)


@router.get("/eliminations/{elimination_id}")
async def elimination_page(request: Request, session: CurrentSession, elimination_id: uuid.UUID) -> Response:
    return await _show(request, session, elimination_id)


@router.post("/eliminations/{elimination_id}/steps/{step}")
async def take_step(
    request: Request,
    session: CurrentSession,
    data: CheckedForm,
    elimination_id: uuid.UUID,
    step: Annotated[str, Path(max_length=40)],
) -> Response:
    upstream = request.app.state.upstream
    found = await eliminations.page(upstream, session, str(elimination_id))
    if step not in found["allowed"]:
        raise NotFound()
    form = forms.Form(data)
    try:
        refused = await eliminations.take(upstream, session, str(elimination_id), step, form)
    except forms.Invalid as invalid:
        return await _show(request, session, elimination_id, 422, action=step, errors=invalid.errors, values=data)
    if refused is not None:
        return await _show(request, session, elimination_id, 422, action=step, errors=_errors(refused.fields),
                           values=data, refused=refused)  # fmt: skip
    return RedirectResponse(f"/eliminations/{elimination_id}?done={step}", status_code=303)


@router.post("/elimination-approvals")
async def approve_batch(request: Request, session: CurrentSession, data: CheckedForm) -> Response:
    form = forms.Form(data)
    ids = form.many("elimination_ids", "待审定的户")
    try:
        body = {**forms.approve(form, {}), "elimination_ids": ids}
    except forms.Invalid as invalid:
        return render(request, "batch.html", status=422, result=None, errors=invalid.errors, link="/eliminations/")
    result, refused = await request.app.state.upstream.write(session, "assistance", "/eliminations/approvals", body)
    if refused is not None:
        return render(request, "batch.html", status=422, result=None, errors=_errors(refused.fields),
                      refused=refused, link="/eliminations/")  # fmt: skip
    return render(request, "batch.html", result=result, errors={}, link="/eliminations/")
