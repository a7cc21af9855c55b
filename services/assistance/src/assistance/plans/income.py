"""Whether a household earns a stable income, as the drafting of its plan needs to know (中农组发〔2021〕7号
四(二): 部分丧失劳动能力且无法通过产业就业获得稳定收入的, 纳入农村低保或特困人员救助供养范围)."""

import uuid

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from assistance.projections.models import KnownIncome, PolicyPack
from common import clock, policy
from common.db import among


async def stable_incomes(
    session: AsyncSession, households: dict[uuid.UUID, str], packs: dict[str, policy.InForce[PolicyPack] | None]
) -> dict[uuid.UUID, bool | None]:
    """Whether each household's latest income on record (per capita, this year or before) is at or above the
    line in force where it lives: None where there is no income or no line to judge by."""
    rows = (
        await session.execute(
            select(KnownIncome.household_id, KnownIncome.per_capita_net_income)
            .where(among(KnownIncome.household_id, list(households)), KnownIncome.year <= clock.today().year)
            .order_by(KnownIncome.year)
        )
    ).all()
    found = {household: income for household, income in rows}  # the latest year's, being the last
    out: dict[uuid.UUID, bool | None] = {}
    for household, region in households.items():
        pack, income = packs.get(region), found.get(household)
        line = pack.values.line.amount if pack else None
        out[household] = None if income is None or line is None else income >= line
    return out
