"""Search for a household, and its page."""

import uuid
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from console.cases import forms
from console.households import service as households
from console.session import CheckedForm, CurrentSession
from console.web import render

router = APIRouter()


@router.get("/households")
async def search_page(request: Request, session: CurrentSession) -> Response:
    return render(request, "search.html", q="", purpose=households.PURPOSES[0], purposes=households.PURPOSES,
                  found=None, errors={})  # fmt: skip


@router.post("/households/search")
async def search(request: Request, session: CurrentSession, data: CheckedForm) -> Response:
    """A POST, not a query string: an ID number typed here stays out of the address bar, the browser's
    history, the Referer and any proxy's access log."""
    q = str(data.get("q") or "").strip()[:40]
    purpose = str(data.get("purpose") or "")
    errors = {}
    if purpose not in households.PURPOSES:
        errors["purpose"] = "请选择查询目的"
    if not q:
        errors["q"] = "请填写户编号或身份证号"
    found = None
    if not errors:
        found = await households.search(request.app.state.upstream, session, q, purpose)
    shown = "" if households.RESIDENT_ID.match(q) else q  # an ID number is not written back into the page
    return render(request, "search.html", 422 if errors else 200, q=shown, purpose=purpose,
                  purposes=households.PURPOSES, found=found, errors=errors)  # fmt: skip


@router.get("/households/{household_id}")
async def household(
    request: Request,
    session: CurrentSession,
    household_id: uuid.UUID,
    purpose: Annotated[str, Query(max_length=50)] = households.HOUSEHOLD_PURPOSE,
) -> Response:
    if purpose not in households.PURPOSES:
        purpose = households.HOUSEHOLD_PURPOSE
    upstream = request.app.state.upstream
    found = await upstream.get(session, "intake", f"/households/{household_id}", purpose=purpose)
    page = await households.household_page(upstream, session, found)
    return render(request, "household.html", forms=forms, errors={}, values={}, refused=None, **page)
