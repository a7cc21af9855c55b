"""The statistical division tree (国家统计局统计用区划代码), for the app's pickers: the provinces, then each
division's children down to the villages. Public data, shipped with the service; any signed-in user reads it."""

from typing import Annotated

from fastapi import APIRouter, Query

from common.access import RegionsRead
from common.errors import NotFound, problem_responses
from common.pagination import CursorQuery, LimitQuery, Page, page_list
from common.regions import full_name, level, regions
from intake.regions.schemas import Division

router = APIRouter(prefix="/regions", tags=["regions"])


@router.get("", response_model=Page[Division], responses=problem_responses(NotFound))
async def divisions(
    _: RegionsRead,
    parent: Annotated[
        str,
        Query(pattern=r"^(\d{2}|\d{4}|\d{6}|\d{9})?$", description="a division's code; empty for the provinces"),
    ] = "",
    cursor: CursorQuery = None,
    limit: LimitQuery = 100,
) -> Page[Division]:
    """The divisions directly below `parent` (a county's townships, a township's villages), in code order:
    the village codes a household may be registered in are the ones this lists."""
    index = regions()
    if parent and not index.is_known(parent):
        raise NotFound("No such division", zh="没有该行政区划")
    listed = [
        Division(code=c, name=index.name(c) or c, level=level(c) or "", full_name=full_name(c))
        for c in index.children(parent)
    ]
    return page_list(listed, lambda d: d.code, cursor, limit)
