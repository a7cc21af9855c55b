"""Intake's reads of personal data, each recorded as an `audit.access.v1` event."""

import uuid
from collections.abc import Iterable

from sqlalchemy.ext.asyncio import AsyncSession

from common.access_audit import record_accesses
from common.auth import Principal
from intake.base import outbox
from intake.households.models import Household


async def audit_read(
    session: AsyncSession, principal: Principal, household: Household, what: str, purpose: str
) -> None:
    await audit_reads(session, principal, [(household.id, household.region_code)], what, purpose)


async def audit_reads(
    session: AsyncSession,
    principal: Principal,
    households: Iterable[tuple[uuid.UUID, str]],
    what: str,
    purpose: str,
) -> None:
    """A read that names several households (a list), or one known only by id and region."""
    await record_accesses(session, outbox, principal, households, what=what, purpose=purpose, service="intake")
