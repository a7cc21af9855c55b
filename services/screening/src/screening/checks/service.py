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
from contracts.policy import PackValues
from screening.checks.models import AssetCheck, ConsentView

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
    check.state, check.closed_at, check.record_ref = "completed", clock.now(), ref
    check.result = record.model_dump(
        mode="json",
        include={
            "commercial_housing",
            "vehicles",
            "enjoyment_vehicles",
            "business_premises",
            "large_farm_machinery",
            "deposits",
            "business_registration",
            "public_employee",
            "event_date",
        },
    )
    await session.flush()


def exclusion_evidence(check: AssetCheck, pack: PackValues, pack_ref: str) -> list[dict[str, Any]]:
    """The jurisdiction's negative list (its pack's `negative_list`) as reasons of the township form's "no"
    decision, with their grounds. Only the items the pack lists count: a vehicle is on 仲恺's list only if
    it is 享受型, on 宁夏's whatever its kind. Where the pack says an item held only in name
    (名下有但实际不属于自有) does not exclude, the grounds ask for its actual ownership to be checked."""
    r = check.result or {}
    items, limit = set(pack.negative_list.items), pack.thresholds.large_deposit
    deposits = Decimal(r["deposits"]) if r.get("deposits") is not None else None
    enjoyment = r.get("enjoyment_vehicles")
    assets = [
        why
        for code, why in (
            ("commercial_housing", "owns commercial housing (商品房)" if r.get("commercial_housing") else None),
            ("business_premises", "owns business premises (营业房)" if r.get("business_premises") else None),
            (
                "large_farm_machinery",
                "owns large farm machinery (大型农机具)" if r.get("large_farm_machinery") else None,
            ),
            ("any_vehicle", f"{r['vehicles']} vehicle(s) registered" if r.get("vehicles") else None),
            ("enjoyment_vehicle", f"{enjoyment} 享受型 vehicle(s) registered" if enjoyment else None),
            (
                "large_deposit",
                f"deposits {deposits:,.2f} CNY above {limit:,.2f} CNY"
                if deposits is not None and deposits > limit
                else None,
            ),
        )
        if why and code in items
    ]
    if assets and not pack.negative_list.nominal_holdings_exclude:
        assets.append("an item held only in name, not in fact the household's, does not exclude it: check ownership")
    out = []
    if assets:
        out.append({"reason": "high_value_assets", "grounds": "; ".join(assets), "policy": pack_ref})
    if r.get("vehicles") and "enjoyment_vehicle" in items and "any_vehicle" not in items and enjoyment is None:
        grounds = f"{r['vehicles']} vehicle(s) registered, of a kind the check does not say: only 享受型 ones count"
        out.append({"reason": "to_check", "grounds": grounds, "policy": pack_ref})
    income = [
        why
        for why in (
            "a member is a public employee" if r.get("public_employee") else None,
            "a member is a registered business owner or legal person" if r.get("business_registration") else None,
        )
        if why
    ]
    if income:
        out.append(
            {
                "reason": "stable_income_public_employee_or_legal_person",
                "grounds": "; ".join(income),
                "policy": pack_ref,
            }
        )
    return [{**e, "check_id": str(check.id), "record": check.record_ref} for e in out]
