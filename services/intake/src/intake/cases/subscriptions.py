"""Confirmed alerts from screening open an identification case (部门筛查预警)."""

import uuid
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from common.events.envelope import BadEvent
from common.procedure import NEW
from contracts.screening import AlertConfirmedV1
from intake.cases import service as cases
from intake.cases.models import Case
from intake.cases.procedure import IDENTIFICATION
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
    await open_from_alert(session, household, alert.alert_id, risks, alert.confirmed_by)


async def open_from_alert(
    session: AsyncSession, household: Household, alert_id: uuid.UUID, risks: list[dict[str, Any]], confirmed_by: str
) -> Case:
    """A confirmed department alert opens a case, or joins the household's open one."""
    case = await cases.open_case_of(session, household.id, lock=True)
    if case is None:
        case = Case(
            household_id=household.id,
            region_code=household.region_code,
            state=NEW,
            channels=["department_alert"],
            object_type=None,
            risks=risks,
            declared_by=f"screening:{confirmed_by}",
            alert_ids=[str(alert_id)],
        )
        session.add(case)
        data = {"channel": "department_alert", "alert_id": str(alert_id)}
        await IDENTIFICATION.apply(session, cases.STEPS, case, "declare", None, data, actor=f"screening:{confirmed_by}")
        return case
    if str(alert_id) in case.alert_ids:
        return case
    case.alert_ids = [*case.alert_ids, str(alert_id)]
    case.channels = sorted({*case.channels, "department_alert"})
    case.risks = [*case.risks, *risks]
    data = {"alert_id": str(alert_id)}
    await IDENTIFICATION.apply(session, cases.STEPS, case, "join", None, data, actor=f"screening:{confirmed_by}")
    return case
