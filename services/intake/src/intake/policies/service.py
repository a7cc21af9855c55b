"""The pack a household's procedure follows: the one in force where it lives on a date (common.policy, as
screening ranks them), or the local defaults where none is known."""

import datetime as dt
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from common import policy
from contracts.policy import PackValues
from intake.policies.models import PolicyPack


@dataclass(frozen=True)
class Applied:
    values: PackValues
    ref: str  # which pack, for the record of the step it shaped


async def packs_for(session: AsyncSession, regions: set[str], on: dt.date) -> dict[str, Applied]:
    return {
        region: Applied(PackValues(), "local defaults: no policy pack governs the region")
        if found is None
        else Applied(found.values, found.pack.ref + (f" (assumed for {on.year})" if found.assumed else ""))
        for region, found in (await policy.packs_in_force(session, PolicyPack, regions, on)).items()
    }
