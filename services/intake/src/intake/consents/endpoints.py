import uuid

from fastapi import APIRouter

from common.access import ConsentsRead, ConsentsSign
from common.db import SessionDep
from common.errors import Conflict, Forbidden, NotFound, ValidationFailed, problem_responses
from common.idempotency import IdempotencyDep
from common.pagination import CursorQuery, LimitQuery, Page, page_list
from intake.consents import service
from intake.consents.models import Consent, ConsentRevocation
from intake.consents.schemas import ConsentCreate, ConsentPublic, Revocation
from intake.households import service as households

router = APIRouter(prefix="/households/{household_id}/consents", tags=["consents"])


def public(consent: Consent, revocation: ConsentRevocation | None) -> ConsentPublic:
    return ConsentPublic(
        id=consent.id,
        household_id=consent.household_id,
        scopes=consent.scopes,
        signer_member_ids=[uuid.UUID(s) for s in consent.signer_member_ids],
        evidence=service.evidence_of(consent),
        channel=consent.channel,
        signed_at=consent.signed_at,
        expires_on=consent.expires_on,
        status=service.status(consent, revocation),
        revoked_at=revocation.revoked_at if revocation else None,
        revocation_reason=revocation.reason if revocation else None,
    )


@router.post(
    "",
    status_code=201,
    response_model=ConsentPublic,
    responses=problem_responses(Forbidden, NotFound, ValidationFailed),
)
async def sign_consent(
    household_id: uuid.UUID, body: ConsentCreate, session: SessionDep, principal: ConsentsSign, idem: IdempotencyDep
) -> ConsentPublic:
    """Record the signed commitment and authorization letter: the information is true, and the
    township and above may query and compare the family's assets (scope `asset_check`)."""
    household = await households.get(session, principal, household_id)
    consent = await service.sign(session, principal, household, body)
    return await idem.remember(public(consent, None))


@router.get("", response_model=Page[ConsentPublic], responses=problem_responses(Forbidden, NotFound))
async def list_consents(
    household_id: uuid.UUID,
    session: SessionDep,
    principal: ConsentsRead,
    cursor: CursorQuery = None,
    limit: LimitQuery = 100,
) -> Page[ConsentPublic]:
    """All consents of the household, newest first, with their status (valid, expired, revoked)."""
    household = await households.get(session, principal, household_id)
    listed = [public(c, r) for c, r in await service.for_household(session, household.id)]
    return page_list(listed, lambda c: str(c.id), cursor, limit)


@router.post(
    "/{consent_id}/revocation",
    status_code=201,
    response_model=ConsentPublic,
    responses=problem_responses(Forbidden, NotFound, Conflict, ValidationFailed),
)
async def revoke_consent(
    household_id: uuid.UUID,
    consent_id: uuid.UUID,
    body: Revocation,
    session: SessionDep,
    principal: ConsentsSign,
    idem: IdempotencyDep,
) -> ConsentPublic:
    """Revoke a consent. It stays on record; no later check may rely on it."""
    household = await households.get(session, principal, household_id)
    consent, revocation = await service.revoke(session, principal, household, consent_id, body)
    return await idem.remember(public(consent, revocation))
