from typing import Annotated

from fastapi import APIRouter, Query
from sqlalchemy import select

from assistance.catalogue.models import MeasureExtension
from assistance.catalogue.schemas import ExtensionIn, MeasureEntry
from assistance.catalogue.service import CodeTaken, catalogue
from common.access import CatalogueRead, CatalogueWrite
from common.auth import ensure_covers
from common.db import SessionDep
from common.errors import Forbidden, NotFound, problem_responses
from common.pagination import CursorQuery, LimitQuery, Page, page_list

router = APIRouter(prefix="/measures/catalogue", tags=["measure catalogue"])


@router.get("", response_model=Page[MeasureEntry])
async def list_catalogue(
    session: SessionDep,
    _: CatalogueRead,
    region_code: Annotated[str | None, Query(pattern=r"^\d{2,12}$")] = None,
    cursor: CursorQuery = None,
    limit: LimitQuery = 200,
) -> Page[MeasureEntry]:
    """The shipped catalogue (《仲恺高新区健全防止返贫动态监测和帮扶机制工作方案》(2021): measure classes;
    弥勒市健全完善防止返贫致贫监测和帮扶机制的实施细则(2020): departments) and, for a region, the measures its
    jurisdictions added."""
    q = select(MeasureExtension).order_by(MeasureExtension.code)
    extensions = [
        e for e in (await session.execute(q)).scalars() if region_code and region_code.startswith(e.region_prefix)
    ]
    shipped = [MeasureEntry.model_validate(m, from_attributes=True) for m in catalogue().values()]
    added = [MeasureEntry.model_validate(e, from_attributes=True) for e in extensions]
    return page_list(shipped + added, lambda m: m.code, cursor, limit)


@router.post(
    "", status_code=201, response_model=MeasureEntry, responses=problem_responses(Forbidden, NotFound, CodeTaken)
)
async def extend_catalogue(
    body: ExtensionIn,
    session: SessionDep,
    principal: CatalogueWrite,
) -> MeasureEntry:
    """A jurisdiction's own measure (county officers for their county, admins anywhere)."""
    ensure_covers(principal, body.region_prefix, "region")
    taken = body.code in catalogue() or (await session.get(MeasureExtension, body.code)) is not None
    if taken:
        raise CodeTaken(f"{body.code} is already a measure", zh=f"措施代码 {body.code} 已存在")
    session.add(MeasureExtension(**body.model_dump(mode="json"), created_by=principal.sub))
    await session.flush()
    return MeasureEntry(**body.model_dump())
