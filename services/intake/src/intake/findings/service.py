"""A finding of false information bars the household from a new declaration for the years its jurisdiction's
pack states (仲恺 附件1 农户承诺授权书: 如查实我有故意隐瞒或提供虚假、伪造材料等违规行为，本人愿意承担3年内取消申请
防贫监测对象资格), counted from the day it was found."""

import datetime as dt
import uuid

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from common.auth import Principal
from common.clock import check_step_date
from common.errors import Conflict
from intake.findings.models import FalseInformationFinding
from intake.findings.schemas import FindingCreate
from intake.households.models import Household
from intake.policies.service import packs_for


class DeclarationBarred(Conflict):
    slug, title = "declaration-barred", "False information was found: the household may not apply yet"
    title_zh = "经查实提供虚假信息，暂不得申请纳入监测对象"


def _years_after(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


async def record(
    session: AsyncSession, principal: Principal, household: Household, body: FindingCreate
) -> FalseInformationFinding:
    check_step_date("found_on", body.found_on)
    applied = (await packs_for(session, {household.region_code}, body.found_on))[household.region_code]
    years = applied.values.identification.false_information_bar_years
    finding = FalseInformationFinding(
        household_id=household.id,
        region_code=household.region_code,
        case_id=body.case_id,
        found_on=body.found_on,
        what=body.what,
        barred_until=_years_after(body.found_on, years) - dt.timedelta(days=1) if years else None,
        policy=applied.ref,
        recorded_by=principal.sub,
    )
    session.add(finding)
    await session.flush()
    return finding


async def check_not_barred(session: AsyncSession, household_id: uuid.UUID, on: dt.date) -> None:
    """Refuse a declaration while a finding's bar runs."""
    finding = (
        await session.execute(
            select(FalseInformationFinding)
            .where(FalseInformationFinding.household_id == household_id, FalseInformationFinding.barred_until >= on)
            .order_by(FalseInformationFinding.barred_until.desc())
            .limit(1)
        )
    ).scalar_one_or_none()
    if finding is not None and finding.barred_until is not None:
        raise DeclarationBarred(
            f"false information was found on {finding.found_on}: no declaration until after {finding.barred_until}"
            f" ({finding.policy})",
            zh=f"该户于{finding.found_on}经查实提供虚假信息，{finding.barred_until}前不得申请纳入监测对象"
            f"（{finding.policy}）",
            barred_until=finding.barred_until.isoformat(),
        )
