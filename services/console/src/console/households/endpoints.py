"""Search for a household, and its page."""

import uuid
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from console.cases import forms
from console.households import service as households
from console.session import CurrentSession
from console.web import render

router = APIRouter()


@router.get("/households")
async def search(
    request: Request,
    session: CurrentSession,
    q: Annotated[str, Query(max_length=40)] = "",
    purpose: Annotated[str, Query(max_length=50)] = households.PURPOSES[0],
) -> Response:
    q = q.strip()
    errors = {}
    if purpose not in households.PURPOSES:
        errors["purpose"] = "请选择查询目的"
    found = None
    if q and not errors:
        found = await households.search(request.app.state.upstream, session, q, purpose)
    return render(
        request, "search.html", q=q, purpose=purpose, purposes=households.PURPOSES, found=found, errors=errors
    )


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
