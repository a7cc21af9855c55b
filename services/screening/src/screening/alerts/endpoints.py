import datetime as dt
import uuid
from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import BaseModel, ConfigDict, Field

from common.access import AlertsRead, AlertsWork
from common.access_audit import audited
from common.clock import Day
from common.db import SessionDep
from common.errors import Forbidden, NotFound, problem_responses
from common.pagination import CursorQuery, Filters, LimitQuery, Page
from common.vocabulary import state_labels
from screening.alerts import service
from screening.alerts.models import Alert
from screening.alerts.procedure import IllegalAlertStep
from screening.mechanisms import audit

router = APIRouter(prefix="/alerts", tags=["alerts"])
STEP_PROBLEMS = problem_responses(Forbidden, NotFound, IllegalAlertStep)


class AlertPublic(state_labels("alert")):  # type: ignore[misc]
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    household_id: uuid.UUID
    region_code: str
    rule: str
    category: str
    grade: str
    year: int
    state: str
    explanation: str
    explanation_zh: str = Field(
        description="the explanation in Chinese, as the cadre who verifies the alert reads it ('' for alerts "
        "raised before it was recorded)"
    )
    evidence: list[str]
    policy_id: uuid.UUID | None = Field(description="the policy judged by; null when the region has none")
    policy_basis: str = Field(
        description="published: the year's own policy; assumed: the latest earlier year's line (none is "
        "published for the year); none: no policy at all, only the rules that do not judge by the income line"
    )
    verify_by: Day
    verify_by_assumed: bool
    resolution: str | None
    resolved_by: str | None
    created_at: dt.datetime
    updated_at: dt.datetime


class StepNote(BaseModel):
    model_config = ConfigDict(extra="forbid")

    note: str | None = Field(None, max_length=2000, description="findings of the visit")


class Dismissal(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason: str = Field(min_length=1, max_length=2000)


@router.get("", response_model=Page[AlertPublic])
async def work_queue(
    session: SessionDep,
    principal: AlertsRead,
    filters: Filters,
    limit: LimitQuery = 50,
    cursor: CursorQuery = None,
    rule: str | None = None,
    grade: Annotated[str | None, Query(pattern="^(red|orange|yellow)$")] = None,
) -> Page[AlertPublic]:
    """Alerts within my jurisdiction, oldest first: what the village and township must verify, by deadline."""
    q = filters.query(Alert, principal)
    for column, value in ((Alert.rule, rule), (Alert.grade, grade)):
        if value is not None:
            q = q.where(column == value)
    items, next_cursor = await filters.page(session, Alert, principal, cursor, limit, q)
    return Page(items=[AlertPublic.model_validate(a) for a in items], next_cursor=next_cursor)


@router.get(
    "/{alert_id}",
    response_model=AlertPublic,
    responses=problem_responses(Forbidden, NotFound),
    openapi_extra=audited("alert detail"),
)
async def get_alert(alert_id: uuid.UUID, session: SessionDep, principal: AlertsRead) -> AlertPublic:
    """One alert with its explanation and the records behind it (a household's income, health or schooling
    facts: the read is audited)."""
    alert = await service.get(session, principal, alert_id)
    await audit.read(session, principal, alert.household_id, alert.region_code, "alert detail", "alert verification")
    return AlertPublic.model_validate(alert)


@router.post("/{alert_id}/verification", response_model=AlertPublic, responses=STEP_PROBLEMS)
async def start_verification(
    alert_id: uuid.UUID, body: StepNote, session: SessionDep, principal: AlertsWork
) -> AlertPublic:
    """A village cadre or the township takes the alert up for a visit (分类分级反馈基层核实)."""
    alert = await service.get(session, principal, alert_id, lock=True)
    return AlertPublic.model_validate(await service.step(session, principal, alert, "verify", body.note))


@router.post("/{alert_id}/confirmation", response_model=AlertPublic, responses=STEP_PROBLEMS)
async def confirm(alert_id: uuid.UUID, body: StepNote, session: SessionDep, principal: AlertsWork) -> AlertPublic:
    """The township confirms the risk: `screening.alert.v1` is published and intake opens (or joins) a case."""
    alert = await service.get(session, principal, alert_id, lock=True)
    return AlertPublic.model_validate(await service.step(session, principal, alert, "confirm", body.note))


@router.post("/{alert_id}/dismissal", response_model=AlertPublic, responses=STEP_PROBLEMS)
async def dismiss(alert_id: uuid.UUID, body: Dismissal, session: SessionDep, principal: AlertsWork) -> AlertPublic:
    """The township dismisses the alert with the reason found on the visit."""
    alert = await service.get(session, principal, alert_id, lock=True)
    return AlertPublic.model_validate(await service.step(session, principal, alert, "dismiss", body.reason))
