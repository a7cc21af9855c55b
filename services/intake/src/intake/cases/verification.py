"""What the township verification form records beyond its fields, as the household's jurisdiction's pack
has it: the income band derived from the income on record (仲恺's 6000/9000/14000), and the re-check window
(宁夏: 3 working days)."""

import datetime as dt
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from common.errors import ValidationFailed
from common.vocabulary import band_labels, band_of
from intake.calendar.service import deadline
from intake.cases.models import Case
from intake.cases.schemas import TownshipVerification
from intake.households import service as households
from intake.households.models import Household
from intake.policies.service import packs_for


async def recheck_due(session: AsyncSession, case: Case, verified_on: dt.date, reached: dt.date) -> dict[str, Any]:
    """Where the pack sets a re-check window (宁开办发〔2020〕8号 四(二): 乡镇每月汇总各村名单后，3个工作日内完成入户
    复核): the working day it was due, counted from when the list reached the township (the village review,
    or the end of its notice), and whether the verification was late. Late is recorded, not refused: the
    household must still be verified."""
    applied = (await packs_for(session, {case.region_code}, verified_on))[case.region_code]
    days = applied.values.identification.township_recheck_working_days
    if days is None:
        return {}
    due = await deadline(session, reached, days)
    return {"recheck_due": due.due.isoformat(), "recheck_late": verified_on > due.due, "recheck_working_days": days}


async def income_band(
    session: AsyncSession, case: Case, household: Household, body: TownshipVerification
) -> dict[str, Any]:
    """The form's income: the household's recorded per-capita income of the year the pack judges (the
    verification's year, or the one before where the pack screens on the previous year's), in the pack's
    bands (仲恺: 6000/9000/14000; none elsewhere: the amount itself). A band typed in must agree with the
    record; without a record, the typed band is kept as stated by the officer."""
    applied = (await packs_for(session, {case.region_code}, body.verified_on))[case.region_code]
    bands = applied.values.identification.income_bands
    year = body.verified_on.year + applied.values.income_year_offset
    recorded = next((r for r in await households.incomes(session, household) if r.year == year), None)
    if recorded is None:
        if bands and body.income_band is not None and body.income_band not in band_labels(bands):
            raise ValidationFailed.on(
                "income_band",
                f"not one of this jurisdiction's bands: {', '.join(band_labels(bands))}",
                zh=f"不是本辖区的收入分档之一：{'、'.join(band_labels(bands))}",
            )
        return {"income_source": f"stated by the township officer: no {year} income is recorded"}
    derived = band_of(recorded.per_capita_net_income, bands) if bands else None
    if body.income_band is not None and derived is not None and body.income_band != derived:
        raise ValidationFailed.on(
            "income_band",
            f"the recorded {year} per-capita income {recorded.per_capita_net_income} is in {derived}, not "
            f"{body.income_band}",
            zh=f"已登记的{year}年人均纯收入{recorded.per_capita_net_income}元属于{derived}，不是{body.income_band}",
        )
    return {
        "income_band": derived or body.income_band,
        "per_capita_income": str(recorded.per_capita_net_income),
        "income_year": year,
        "income_source": f"income record {year} revision {recorded.revision}",
    }
