"""Intake's reads of personal data, each recorded as an `audit.access.v1` event."""

from sqlalchemy.ext.asyncio import AsyncSession

from common.access_audit import record_access
from common.auth import Principal
from intake.base import outbox
from intake.households.models import Household


async def audit_read(
    session: AsyncSession, principal: Principal, household: Household, what: str, purpose: str
) -> None:
    await record_access(
        session,
        outbox,
        principal,
        household_id=household.id,
        region_code=household.region_code,
        what=what,
        purpose=purpose,
        service="intake",
    )
