"""Consents from intake: an asset check may only be made for a household whose consent is valid."""

from sqlalchemy.ext.asyncio import AsyncSession

from common.events.contracts.intake import (
    ConsentRevokedV1,
    ConsentSignedV1,
)
from common.events.envelope import Envelope
from screening.checks.service import on_consent_revoked, on_consent_signed


async def on_consent(session: AsyncSession, envelope: Envelope) -> None:
    if envelope.type == ConsentSignedV1.type:
        await on_consent_signed(session, envelope.payload(ConsentSignedV1))
    elif envelope.type == ConsentRevokedV1.type:
        await on_consent_revoked(session, envelope.payload(ConsentRevokedV1))
