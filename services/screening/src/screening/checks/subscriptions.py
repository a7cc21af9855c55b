"""Consents from intake: an asset check may only be made for a household whose consent is valid."""

import uuid

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from common import clock
from contracts.intake import (
    ConsentRevokedV1,
    ConsentSignedV1,
)
from contracts.screening import AssetCheckCancelledV1, AssetCheckRequestedV1
from screening.checks.models import AssetCheck, ConsentView
from screening.checks.service import SCOPE
from screening.mechanisms import outbox


async def on_consent_signed(session: AsyncSession, event: ConsentSignedV1) -> None:
    await session.execute(
        insert(ConsentView)
        .values(
            consent_id=event.consent_id,
            household_id=event.household_id,
            scopes=event.scopes,
            expires_on=event.expires_at,
        )
        .on_conflict_do_nothing()
    )
    if SCOPE not in event.scopes or event.expires_at < clock.today():
        return
    pending = (
        await session.execute(
            select(AssetCheck.id).where(AssetCheck.household_id == event.household_id, AssetCheck.state == "requested")
        )
    ).first()
    if pending is not None:
        return  # one pending check per household is enough
    check = AssetCheck(
        id=uuid.uuid4(),
        household_id=event.household_id,
        region_code=event.region_code,
        consent_id=event.consent_id,
        state="requested",
    )
    session.add(check)
    await session.flush()
    await outbox.add(
        session,
        AssetCheckRequestedV1(
            request_id=check.id,
            household_id=check.household_id,
            region_code=check.region_code,
            consent_id=check.consent_id,
            requested_at=clock.now(),
        ),
        subject=check.household_id,
    )


async def on_consent_revoked(session: AsyncSession, event: ConsentRevokedV1) -> None:
    consent = await session.get(ConsentView, event.consent_id)
    if consent is None:
        consent = ConsentView(
            consent_id=event.consent_id,
            household_id=event.household_id,
            scopes=event.scopes,
            expires_on=event.expires_at,
        )
        session.add(consent)
    consent.revoked_at = event.revoked_at
    pending = (
        await session.execute(
            select(AssetCheck).where(AssetCheck.consent_id == event.consent_id, AssetCheck.state == "requested")
        )
    ).scalars()
    for check in pending:
        check.state, check.closed_at, check.note = "cancelled", clock.now(), "consent revoked"
        await outbox.add(
            session,
            AssetCheckCancelledV1(
                request_id=check.id,
                household_id=check.household_id,
                region_code=check.region_code,
                reason="consent revoked",
                cancelled_at=check.closed_at,
            ),
            subject=check.household_id,
        )
    await session.flush()
