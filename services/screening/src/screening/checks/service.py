"""Consent-gated economic-status checks (家庭经济状况核对). No request without a valid asset_check consent; a
revocation cancels what is pending and every later result is refused. Results feed the negative list of the
township verification form as exclusion evidence, never an alert."""

import datetime as dt
import uuid
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from common import clock
from common.events.contracts.dept import CivilAffairsRecordV1
from common.events.contracts.intake import ConsentRevokedV1, ConsentSignedV1
from common.events.contracts.screening import AssetCheckCancelledV1, AssetCheckRequestedV1
from common.logging import log
from screening.base import outbox
from screening.checks.models import AssetCheck, ConsentView
from screening.config import settings

SCOPE = "asset_check"


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
            requested_at=dt.datetime.now(dt.UTC),
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
        check.state, check.closed_at, check.note = "cancelled", dt.datetime.now(dt.UTC), "consent revoked"
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


async def has_valid_consent(session: AsyncSession, household_id: uuid.UUID, on: dt.date) -> bool:
    return (
        await session.execute(
            select(ConsentView.consent_id)
            .where(
                ConsentView.household_id == household_id,
                ConsentView.scopes.contains([SCOPE]),
                ConsentView.revoked_at.is_(None),
                ConsentView.expires_on >= on,
            )
            .limit(1)
        )
    ).first() is not None


async def apply_result(session: AsyncSession, household_id: uuid.UUID, record: CivilAffairsRecordV1, ref: str) -> None:
    """A check result completes its request only while the consent holds; otherwise it is not used."""
    if not await has_valid_consent(session, household_id, clock.today()):
        log.warning("economic check result refused: no valid consent", household=str(household_id), record=ref)
        return
    q = select(AssetCheck).where(AssetCheck.household_id == household_id, AssetCheck.state == "requested")
    if record.request_id is not None:
        q = q.where(AssetCheck.id == record.request_id)
    check = (await session.execute(q.with_for_update())).scalars().first()
    if check is None:
        log.warning("economic check result with no pending request", household=str(household_id), record=ref)
        return
    check.state, check.closed_at, check.record_ref = "completed", dt.datetime.now(dt.UTC), ref
    check.result = record.model_dump(
        mode="json",
        include={
            "commercial_housing",
            "vehicles",
            "deposits",
            "business_registration",
            "public_employee",
            "event_date",
        },
    )
    await session.flush()


def exclusion_evidence(check: AssetCheck) -> list[dict[str, Any]]:
    """The negative list (中农组发〔2021〕7号; 《仲恺高新区健全防止返贫动态监测和帮扶机制工作方案》(2021)) as
    reasons of the township form's "no" decision, with their grounds."""
    r = check.result or {}
    out = []
    deposits = Decimal(r["deposits"]) if r.get("deposits") is not None else None
    assets = [
        why
        for why in (
            "owns commercial housing" if r.get("commercial_housing") else None,
            f"{r['vehicles']} vehicle(s) registered" if r.get("vehicles") else None,
            f"deposits {deposits:,.2f} CNY above {settings.large_deposit_threshold:,.2f} CNY"
            if deposits is not None and deposits > settings.large_deposit_threshold
            else None,
        )
        if why
    ]
    if assets:
        out.append({"reason": "high_value_assets", "grounds": "; ".join(assets)})
    income = [
        why
        for why in (
            "a member is a public employee" if r.get("public_employee") else None,
            "a member is a registered business owner or legal person" if r.get("business_registration") else None,
        )
        if why
    ]
    if income:
        out.append({"reason": "stable_income_public_employee_or_legal_person", "grounds": "; ".join(income)})
    return [{**e, "check_id": str(check.id), "record": check.record_ref} for e in out]
