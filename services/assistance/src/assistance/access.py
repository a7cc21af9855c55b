"""Reads of a household's assistance data (its plan, income and evaluation) are audited like any read of
personal data."""

import uuid

from sqlalchemy.ext.asyncio import AsyncSession

from assistance.base import outbox
from common.access_audit import record_access
from common.auth import Principal


async def audit_read(
    session: AsyncSession, principal: Principal, household_id: uuid.UUID, region_code: str, what: str
) -> None:
    await record_access(
        session,
        outbox,
        principal,
        household_id=household_id,
        region_code=region_code,
        what=what,
        purpose="assistance follow-up",
        service="assistance",
    )
