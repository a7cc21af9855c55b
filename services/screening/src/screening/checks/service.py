"""Consent-gated economic-status checks (家庭经济状况核对). No request without a valid asset_check consent; a
revocation cancels what is pending and every later result is refused. Results feed the negative list of the
township verification form as exclusion evidence, never an alert."""

import datetime as dt
import uuid
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from common import clock
from common.logging import log
from contracts.dept import CivilAffairsRecordV1
from screening.checks.models import AssetCheck, ConsentView
from screening.config import settings

SCOPE = "asset_check"


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
