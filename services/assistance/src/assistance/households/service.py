"""The household as assistance knows it, read within the caller's jurisdiction."""

import uuid

from sqlalchemy.ext.asyncio import AsyncSession

from assistance.projections.models import KnownHousehold
from common.auth import Principal, ensure_covers
from common.errors import NotFound


async def known_household(
    session: AsyncSession, principal: Principal, household_id: uuid.UUID, *, lock: bool = False
) -> KnownHousehold:
    """The household, within the caller's jurisdiction; with `lock`, held until the transaction ends (one writer
    of its follow-up records at a time)."""
    household = await session.get(KnownHousehold, household_id, with_for_update=lock)
    if household is None:
        raise NotFound("No such household", zh="未找到该户")
    ensure_covers(principal, household.region_code, "household")
    return household
