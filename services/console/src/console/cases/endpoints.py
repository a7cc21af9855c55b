"""A case's page and its steps as forms; declaring a case for a household; the county's batch approval."""

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Path, Request
from fastapi.responses import RedirectResponse, Response

from common import clock
from common.errors import NotFound
from console.cases import forms
from console.cases import service as cases
from console.households.service import HOUSEHOLD_PURPOSE
from console.session import CheckedForm, CurrentSession, Session
from console.upstream import Refused
from console.web import render

router = APIRouter()

CaseId = Annotated[uuid.UUID, Path()]


def _errors(refused: Refused, aliases: dict[str, str] | None = None) -> dict[str, str]:
    aliases = aliases or {}
    found: dict[str, str] = {}
    for name, message in refused.fields.items():
        field = forms.field_of(name)
        found.setdefault(aliases.get(field, field), message)
    return found


async def _show(request: Request, session: Session, case_id: uuid.UUID, status: int = 200, **extra: Any) -> Response:
    page = await cases.case_page(request.app.state.upstream, session, str(case_id))
    defaults = {"today": clock.today().isoformat(), "now": clock.now().astimezone(clock.CST).strftime("%Y-%m-%dT%H:%M")}
    context = {"action": None, "errors": {}, "values": {}, "refused": None, **extra}
    return render(request, "case.html", status=status, forms=forms, **page, **defaults, **context)


@router.get("/cases/{case_id}")
async def case_page(request: Request, session: CurrentSession, case_id: CaseId) -> Response:
    return await _show(request, session, case_id)


@router.post("/cases/{case_id}/steps/{action}")
async def take_step(
    request: Request,
    session: CurrentSession,
    data: CheckedForm,
    case_id: CaseId,
    action: Annotated[str, Path(max_length=40)],
) -> Response:
    upstream = request.app.state.upstream
    page = await cases.case_page(upstream, session, str(case_id))
    if action not in page["allowed"]:
        raise NotFound()  # a step not offered to this person is no page of theirs
    form = forms.Form(data)
    aliases: dict[str, str] = {}
    try:
        if action == "attach_consent":
            aliases = {"channel": "consent_channel"}
            scan = await forms.scan(form, "scan", "sha256", "承诺授权书")
            body = forms.consent(form, page["household"])  # raises with the scan's error, if any
            assert scan is not None
            refused = await cases.attach_consent(upstream, session, page["case"], body, scan)
        else:
            step = forms.STEPS[action]
            target = page["household"] if action == "household_survey" else page["case"]
            _, refused = await upstream.write(
                session, "intake", f"/cases/{case_id}/{step.path}", step.build(form, target)
            )
    except forms.Invalid as invalid:
        return await _show(request, session, case_id, 422, action=action, errors=invalid.errors, values=data)
    if refused is not None:
        return await _show(
            request,
            session,
            case_id,
            422,
            action=action,
            errors=_errors(refused, aliases),
            values=data,
            refused=refused,
        )
    return RedirectResponse(f"/cases/{case_id}?done={action}", status_code=303)


@router.post("/households/{household_id}/cases")
async def declare(request: Request, session: CurrentSession, data: CheckedForm, household_id: CaseId) -> Response:
    upstream = request.app.state.upstream
    household = await upstream.get(session, "intake", f"/households/{household_id}", purpose=HOUSEHOLD_PURPOSE)
    form = forms.Form(data)
    try:
        body = forms.declare(form, household)
    except forms.Invalid as invalid:
        return await _household(request, session, household, invalid.errors, data, None)
    case, refused = await upstream.write(session, "intake", "/cases", body)
    if refused is not None:
        return await _household(request, session, household, _errors(refused), data, refused)
    return RedirectResponse(f"/cases/{case['id']}", status_code=303)


async def _household(
    request: Request,
    session: Session,
    household: dict[str, Any],
    errors: dict[str, str],
    values: dict[str, Any],
    refused: Refused | None,
) -> Response:
    from console.households.service import household_page

    page = await household_page(request.app.state.upstream, session, household)
    return render(
        request, "household.html", status=422, forms=forms, errors=errors, values=values, refused=refused, **page
    )


@router.post("/approvals")
async def approve_batch(request: Request, session: CurrentSession, data: CheckedForm) -> Response:
    form = forms.Form(data)
    ids = form.many("case_ids", "待审批的户")
    try:
        body = {**forms.approve(form, {}), "case_ids": ids}
    except forms.Invalid as invalid:
        return render(request, "batch.html", status=422, result=None, errors=invalid.errors)
    result, refused = await request.app.state.upstream.write(session, "intake", "/cases/approvals", body)
    if refused is not None:
        return render(request, "batch.html", status=422, result=None, errors=_errors(refused), refused=refused)
    return render(request, "batch.html", result=result, errors={})
