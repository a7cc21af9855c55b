"""Commitment and authorization (承诺授权): signed, append-only, revocable."""

import datetime as dt
import uuid
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from common import clock
from common.auth import Principal
from common.clock import cst_date, today
from common.errors import Conflict, NotFound, ValidationFailed
from contracts.intake import ConsentEventBase, ConsentRevokedV1, ConsentSignedV1
from intake.cases.schemas import ConsentExemption
from intake.consents.models import Consent, ConsentRevocation
from intake.consents.schemas import ConsentCreate, Evidence, EvidenceKind, Revocation
from intake.households.models import Household
from intake.mechanisms import outbox
from intake.policies.service import Applied, packs_for
from intake.projections.service import enrolled_since


def _age_on(birth: dt.date, day: dt.date) -> int:
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def _check_signers(household: Household, body: ConsentCreate, signers: str) -> None:
    active = {m.id: m for m in household.members if m.active}
    unknown = [str(s) for s in body.signer_member_ids if s not in active]
    if unknown:
        raise ValidationFailed(
            "Signers must be active members of the household",
            errors=[
                {
                    "field": "signer_member_ids",
                    "message": f"unknown members {unknown}",
                    "type": "value_error",
                    "message_zh": "有签字人不是本户在册成员",
                }
            ],
            zh="签字人应为本户在册成员",
        )
    head = next((m.id for m in active.values() if m.relation == "head"), None)
    if head not in body.signer_member_ids:
        raise ValidationFailed(
            "The household head must sign",
            errors=[
                {
                    "field": "signer_member_ids",
                    "message": "head missing",
                    "type": "value_error",
                    "message_zh": "缺少户主签字",
                }
            ],
            zh="户主必须签字",
        )
    if signers == "all_adults":
        signed_on = cst_date(body.signed_at)
        missing = [
            str(m.id)
            for m in active.values()
            if _age_on(m.birth_date, signed_on) >= 18 and m.id not in body.signer_member_ids
        ]
        if missing:
            raise ValidationFailed(
                "This jurisdiction's policy pack requires every adult member to sign",
                errors=[
                    {
                        "field": "signer_member_ids",
                        "message": f"adults missing: {missing}",
                        "type": "value_error",
                        "message_zh": "缺少成年成员签字",
                    }
                ],
                zh="本辖区政策包要求每位成年家庭成员签字",
            )


# No consent of this mechanism is older than the mechanism: 国务院扶贫开发领导小组《关于建立防止返贫监测和帮扶机制
# 的指导意见》(国开发〔2020〕6号) set it up in March 2020, and the commitment and authorization (承诺授权) came with
# it. A signature dated before 2020 is a typing error or a forgery, never a record to keep (docs/adr/0017).
SIGNED_SINCE = dt.date(2020, 1, 1)


def _check_signed_on(household: Household, body: ConsentCreate) -> None:
    """A signature is dated within the mechanism's years, and no signer signs before being born."""
    signed_on = cst_date(body.signed_at)
    if signed_on < SIGNED_SINCE:
        raise ValidationFailed.on(
            "signed_at",
            f"{signed_on} is before {SIGNED_SINCE}: no consent of the monitoring mechanism is older",
            zh=f"签署日期{signed_on}早于{SIGNED_SINCE}：防止返贫监测机制建立之前不可能签署承诺授权书",
        )
    members = {m.id: m for m in household.members}
    unborn = [str(i) for i in body.signer_member_ids if i in members and members[i].birth_date > signed_on]
    if unborn:
        raise ValidationFailed.on(
            "signed_at",
            f"{signed_on} is before the birth of signers {unborn}",
            zh=f"签署日期{signed_on}早于签署人的出生日期",
        )


async def sign(session: AsyncSession, principal: Principal, household: Household, body: ConsentCreate) -> Consent:
    _check_signed_on(household, body)
    signed_on = cst_date(body.signed_at)
    applied = (await packs_for(session, {household.region_code}, signed_on))[household.region_code]
    _check_signers(household, body, applied.values.identification.consent_signers)
    validity = applied.values.thresholds.consent_validity_days
    expires = body.expires_on or signed_on + dt.timedelta(days=validity)
    consent = Consent(
        household_id=household.id,
        region_code=household.region_code,
        scopes=[str(s) for s in body.scopes],
        signer_member_ids=[str(s) for s in body.signer_member_ids],
        evidence_kind=body.evidence.kind,
        evidence_sha256=body.evidence.sha256,
        evidence_reference=body.evidence.reference,
        channel=body.channel,
        signed_at=body.signed_at,
        expires_on=expires,
        recorded_by=principal.sub,
    )
    session.add(consent)
    await session.flush()
    await outbox.add(session, _event(ConsentSignedV1, consent), subject=household.id)
    return consent


async def revoke(
    session: AsyncSession, principal: Principal, household: Household, consent_id: uuid.UUID, body: Revocation
) -> tuple[Consent, ConsentRevocation]:
    consent, revocation = await get(session, household, consent_id)
    if revocation is not None:
        raise Conflict("This consent is already revoked", zh="该授权已撤销")
    revocation = ConsentRevocation(
        consent_id=consent.id, reason=body.reason, revoked_by=principal.sub, revoked_at=clock.now()
    )
    session.add(revocation)
    await session.flush()
    event = _event(ConsentRevokedV1, consent, revoked_at=revocation.revoked_at, reason=body.reason)
    await outbox.add(session, event, subject=household.id)
    return consent, revocation


def _event(contract: type[ConsentEventBase], consent: Consent, **extra: Any) -> ConsentEventBase:
    return contract(
        consent_id=consent.id,
        household_id=consent.household_id,
        region_code=consent.region_code,
        scopes=consent.scopes,
        signed_at=consent.signed_at,
        expires_at=consent.expires_on,
        **extra,
    )


async def get(
    session: AsyncSession, household: Household, consent_id: uuid.UUID
) -> tuple[Consent, ConsentRevocation | None]:
    return await get_for_household(session, household.id, consent_id)


async def get_for_household(
    session: AsyncSession, household_id: uuid.UUID, consent_id: uuid.UUID
) -> tuple[Consent, ConsentRevocation | None]:
    row = (
        await session.execute(
            select(Consent, ConsentRevocation)
            .outerjoin(ConsentRevocation)
            .where(Consent.id == consent_id, Consent.household_id == household_id)
        )
    ).first()
    if row is None:
        raise NotFound("No such consent for this household", zh="该户没有这份授权")
    return row.Consent, row.ConsentRevocation


async def for_household(
    session: AsyncSession, household_id: uuid.UUID
) -> list[tuple[Consent, ConsentRevocation | None]]:
    rows = await session.execute(
        select(Consent, ConsentRevocation)
        .outerjoin(ConsentRevocation)
        .where(Consent.household_id == household_id)
        .order_by(Consent.signed_at.desc())
    )
    return [(r.Consent, r.ConsentRevocation) for r in rows]


def status(consent: Consent, revocation: ConsentRevocation | None, on: dt.date | None = None) -> str:
    if revocation is not None:
        return "revoked"
    return "expired" if consent.expires_on < (on or today()) else "valid"


async def valid_consent(session: AsyncSession, household_id: uuid.UUID, scopes: frozenset[str]) -> Consent | None:
    """The newest consent that is unrevoked, unexpired and covers `scopes`."""
    for consent, revocation in await for_household(session, household_id):
        if status(consent, revocation) == "valid" and scopes <= set(consent.scopes):
            return consent
    return None


def evidence_of(consent: Consent) -> Evidence:
    return Evidence(
        kind=EvidenceKind(consent.evidence_kind),
        sha256=consent.evidence_sha256,
        reference=consent.evidence_reference,
    )


async def asset_query_exemption(
    session: AsyncSession, household_id: uuid.UUID, exemption: ConsentExemption, applied: Applied
) -> dict[str, Any]:
    """The household's word that it is in 低保/特困, where the pack limits the asset query to households that
    are not: allowed by the pack and borne out by civil affairs' feed, or refused."""
    exempt, programme = applied.values.identification.consent_exempt, exemption.enrolled_in
    if programme not in exempt:
        raise ValidationFailed.on(
            "exemption",
            f"the jurisdiction's pack ({applied.ref}) exempts "
            + (f"only households enrolled in {', '.join(exempt)}" if exempt else "no household")
            + " from the asset query",
            zh=f"本地政策（{applied.ref}）"
            + ("仅对民政低保、特困对象免于授权查询家庭资产信息" if exempt else "未规定免于授权查询家庭资产信息的情形"),
        )
    since = await enrolled_since(session, household_id, programme)
    name = {"dibao": "低保", "tekun": "特困"}[programme]
    if since is None:
        raise ValidationFailed.on(
            "exemption",
            f"civil affairs' feed shows no member of the household enrolled in {programme} today",
            zh=f"民政部门数据未显示该户成员现为{name}对象，须授权查询家庭资产信息",
        )
    return {**exemption.model_dump(mode="json"), "asset_query": False, "enrolled_since": since.isoformat()}
