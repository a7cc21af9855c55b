"""Reads of what intake keeps of other services' and departments' events."""

import datetime as dt
import uuid

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from intake.households.models import Member
from intake.projections.models import SocialFloorEnrolment


async def enrolled_since(session: AsyncSession, household_id: uuid.UUID, programme: str) -> dt.date | None:
    """The date civil affairs reports a current member of the household enrolled in `programme` (dibao or
    tekun), the latest if several; None where its feed shows no member enrolled today."""
    q = (
        select(SocialFloorEnrolment.event_date)
        .join(Member, Member.id_index == SocialFloorEnrolment.id_index)
        .where(
            Member.household_id == household_id,
            Member.active,
            SocialFloorEnrolment.programme == programme,
            SocialFloorEnrolment.enrolled,
        )
        .order_by(SocialFloorEnrolment.event_date.desc())
        .limit(1)
    )
    return (await session.execute(q)).scalar_one_or_none()
