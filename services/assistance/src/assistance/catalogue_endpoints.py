from typing import Annotated, Literal

from fastapi import APIRouter, Query
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import select

from assistance.catalogue import catalogue
from assistance.models import MeasureExtension
from assistance.roles import OFFICERS
from common.auth import Principal, Role, ensure_covers, require_roles
from common.db import SessionDep
from common.errors import Conflict, Forbidden, NotFound, problem_responses
from common.events.contracts.shared import RiskCategory

router = APIRouter(prefix="/measures/catalogue", tags=["measure catalogue"])


class MeasureDef(BaseModel):
    model_config = ConfigDict(extra="forbid")

    code: str = Field(pattern=r"^[a-z][a-z0-9_]{1,59}$")
    measure_class: Literal["income", "guarantees", "social_floor", "other", "motivation"]
    kind: Literal["developmental", "guarantee", "floor", "other", "motivation"]
    zh: str = Field(min_length=1, max_length=200)
    en: str = Field(min_length=1, max_length=200)
    department: str = Field(min_length=1, max_length=200)
    addresses: list[RiskCategory] = Field(default_factory=list)


class MeasureEntry(MeasureDef):
    region_prefix: str = Field("", description="'' for the shipped catalogue, else the jurisdiction that added it")


class ExtensionIn(MeasureDef):
    region_prefix: str = Field(pattern=r"^(\d{2}|\d{4}|\d{6}|\d{9})$")


class CodeTaken(Conflict):
    slug, title = "measure-code-taken", "A measure with this code exists"


@router.get("", response_model=list[MeasureEntry])
async def list_catalogue(
    session: SessionDep,
    _: Annotated[Principal, require_roles(*OFFICERS)],
    region_code: Annotated[str | None, Query(pattern=r"^\d{2,12}$")] = None,
) -> list[MeasureEntry]:
    """The shipped catalogue (《仲恺高新区健全防止返贫动态监测和帮扶机制工作方案》(2021): measure classes;
    弥勒市健全完善防止返贫致贫监测和帮扶机制的实施细则(2020): departments) and, for a region, the measures its
    jurisdictions added."""
    shipped = [
        MeasureEntry(
            code=m.code,
            measure_class=m.measure_class,
            kind=m.kind,
            zh=m.zh,
            en=m.en,
            department=m.department,
            addresses=list(m.addresses),
        )
        for m in catalogue().values()
    ]
    q = select(MeasureExtension).order_by(MeasureExtension.code)
    extensions = [
        e for e in (await session.execute(q)).scalars() if region_code and region_code.startswith(e.region_prefix)
    ]
    return shipped + [
        MeasureEntry(
            code=e.code,
            measure_class=e.measure_class,
            kind=e.kind,
            zh=e.zh,
            en=e.en,
            department=e.department,
            addresses=e.addresses,
            region_prefix=e.region_prefix,
        )
        for e in extensions
    ]


@router.post(
    "", status_code=201, response_model=MeasureEntry, responses=problem_responses(Forbidden, NotFound, CodeTaken)
)
async def extend_catalogue(
    body: ExtensionIn,
    session: SessionDep,
    principal: Annotated[Principal, require_roles(Role.county_officer, Role.admin)],
) -> MeasureEntry:
    """A jurisdiction's own measure (county officers for their county, admins anywhere)."""
    ensure_covers(principal, body.region_prefix, "region")
    taken = body.code in catalogue() or (await session.get(MeasureExtension, body.code)) is not None
    if taken:
        raise CodeTaken(f"{body.code} is already a measure")
    session.add(MeasureExtension(**body.model_dump(mode="json"), created_by=principal.sub))
    await session.flush()
    return MeasureEntry(**body.model_dump())
