"""Confirmed alerts from screening open an identification case (部门筛查预警)."""

from sqlalchemy.ext.asyncio import AsyncSession

from common.events.envelope import BadEvent
from contracts.screening import AlertConfirmedV1
from intake.cases import service as cases
from intake.households.models import Household


async def on_alert_confirmed(session: AsyncSession, alert: AlertConfirmedV1) -> None:
    household = await session.get(Household, alert.household_id)
    if household is None:
        raise BadEvent(f"alert {alert.alert_id}: unknown household {alert.household_id}")
    if household.region_code != alert.region_code:
        raise BadEvent(f"alert {alert.alert_id}: region {alert.region_code} is not the household's")
    risks = [
        {
            "category": f.category.value,
            "source": "department_alert",
            "rule": f.rule,
            "grade": f.grade.value,
            "explanation": f.explanation,
        }
        for f in alert.findings
    ]
    await cases.open_from_alert(session, household, alert.alert_id, risks, alert.confirmed_by)
