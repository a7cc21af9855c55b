"""工作台: the person's queues, filtered by township and village, paged, counted."""

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from console.session import CurrentSession
from console.web import render
from console.workbench import service as workbench

router = APIRouter()


@router.get("/")
async def my_work(
    request: Request,
    session: CurrentSession,
    township: Annotated[str, Query(max_length=12)] = "",
    village: Annotated[str, Query(max_length=12)] = "",
    offset: Annotated[int, Query(ge=0, le=100_000)] = 0,
) -> Response:
    me = session.principal
    region = me.region
    area = workbench.parse_area(village if village.startswith(township) and township else township, region)
    if village and not township:
        area = workbench.parse_area(village, region)
    upstream = request.app.state.upstream
    alerts = await workbench.alert_queue(upstream, session, area, offset)
    cases = await workbench.case_queues(upstream, session, area, offset)
    plans = await workbench.plan_queue(upstream, session, area, offset)
    ended = await workbench.elimination_queue(upstream, session, area, offset)
    townships = workbench.areas_below(region) if len(region) <= 6 else []
    villages = workbench.areas_below(township if len(township) == 9 else region) if len(region) <= 9 else []
    return render(
        request,
        "workbench.html",
        alerts=alerts,
        queues=cases,
        plans=plans,
        eliminations=ended,
        townships=townships,
        villages=villages,
        township=township,
        village=village,
        area=area,
        offset=offset,
        page=workbench.PAGE,
        today=workbench.today(),
    )
