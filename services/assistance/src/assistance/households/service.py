"""The household as assistance knows it, read within the caller's jurisdiction."""

import uuid

from sqlalchemy.ext.asyncio import AsyncSession

from assistance.projections.models import KnownHousehold
from common.auth import Principal, ensure_covers
from common.errors import NotFound


async def known_household(session: AsyncSession, principal: Principal, household_id: uuid.UUID) -> KnownHousehold:
    household = await session.get(KnownHousehold, household_id)
    if household is None:
        raise NotFound("No such household")
    ensure_covers(principal, household.region_code, "household")
    return household
