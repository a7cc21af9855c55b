import uuid

from fastapi import APIRouter
from sqlalchemy import func, select

from common.access import ProjectionsRead
from common.auth import ensure_covers
from common.db import SessionDep
from common.errors import Forbidden, NotFound, problem_responses
from screening.projections.models import KnownHousehold, KnownMember
from screening.projections.schemas import KnownHouseholdPublic

router = APIRouter(prefix="/households", tags=["registry"])


@router.get("/{household_id}", response_model=KnownHouseholdPublic, responses=problem_responses(Forbidden, NotFound))
async def known_household(
    household_id: uuid.UUID, session: SessionDep, principal: ProjectionsRead
) -> KnownHouseholdPublic:
    """What screening knows of a household (from intake's events): the version it has applied."""
    row = await session.get(KnownHousehold, household_id)
    if row is None:  # the same answer as for a household outside the caller's jurisdiction
        raise NotFound("No such household", zh="未找到该户")
    ensure_covers(principal, row.region_code, "household")
    members = (
        await session.execute(select(func.count()).where(KnownMember.household_id == household_id, KnownMember.active))
    ).scalar_one()
    return KnownHouseholdPublic(
        household_id=row.household_id, region_code=row.region_code, version=row.version, active_members=members
    )
