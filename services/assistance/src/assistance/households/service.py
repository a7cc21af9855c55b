"""The household as assistance knows it, read within the caller's jurisdiction."""

import uuid

from sqlalchemy.ext.asyncio import AsyncSession

from assistance.projections.models import KnownHousehold
from common.auth import Principal, Role, ensure_covers
from common.errors import Forbidden, NotFound

Recorder = (Role.village_cadre, Role.township_officer, Role.admin)


async def known_household(session: AsyncSession, principal: Principal, household_id: uuid.UUID) -> KnownHousehold:
    household = await session.get(KnownHousehold, household_id)
    if household is None:
        raise NotFound("No such household")
    ensure_covers(principal, household.region_code, "household")
    return household


def ensure_recorder(principal: Principal) -> None:
    if principal.role not in Recorder:
        raise Forbidden(f"{principal.role} may not record follow-up data")
