"""户编号: a number a cadre reads aloud and quotes, the village's 12-digit code and a sequence
(5325041020010001), given once and kept for the household's life; never a hash."""

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from intake.households.models import Household, HouseholdNumber


async def next_number(session: AsyncSession, village: str) -> str:
    """The village's next 户编号: its code and a sequence (0001, 0002, …), never reused; a number a registrant
    already gave a household by hand is stepped over. The counter's row stays locked until the registration
    commits, so two registrations in one village never draw the same number."""
    while True:
        step = (
            insert(HouseholdNumber)
            .values(region_code=village, last=1)
            .on_conflict_do_update(
                index_elements=[HouseholdNumber.region_code], set_={"last": HouseholdNumber.last + 1}
            )
            .returning(HouseholdNumber.last)
        )
        number = f"{village}{(await session.execute(step)).scalar_one():04d}"
        taken = select(Household.id).where(Household.region_code == village, Household.household_no == number)
        if (await session.execute(taken)).first() is None:
            return number
