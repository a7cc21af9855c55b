"""Intake's subscriptions: events from other services that change intake's state."""

from sqlalchemy.ext.asyncio import AsyncSession

from common.events.contracts.assistance import (
    ELIMINATION_TOPIC,
    PLAN_TOPIC,
    EliminationApprovedV1,
    PlanApprovedV1,
    PlanDraftedV1,
    PlanExcludedV1,
)
from common.events.contracts.screening import ALERT_TOPIC, AlertConfirmedV1
from common.events.envelope import BadEvent, Envelope
from common.events.topics import CONTRACTS_BY_TYPE
from common.messaging.consumer import Subscription
from intake.cases import service as cases
from intake.households.models import Household


async def on_alert(session: AsyncSession, envelope: Envelope) -> None:
    if envelope.type != AlertConfirmedV1.type:
        return  # other alert types on the topic are screening's own business
    alert: AlertConfirmedV1 = envelope.payload(AlertConfirmedV1)
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


PLAN_STATUS = {
    PlanDraftedV1.type: "plan_drafted",
    PlanApprovedV1.type: "assisted",
    PlanExcludedV1.type: "excluded",
}


async def on_assistance(session: AsyncSession, envelope: Envelope) -> None:
    """The household's assistance status, as assistance reports it; an approved elimination marks the
    household eliminated (never deleted: a new approved case makes it monitored again)."""
    if envelope.type not in PLAN_STATUS and envelope.type != EliminationApprovedV1.type:
        return
    event = envelope.payload(CONTRACTS_BY_TYPE[envelope.type])
    household = await session.get(Household, event.household_id, with_for_update=True)
    if household is None:
        raise BadEvent(f"assistance event for unknown household {event.household_id}")
    if envelope.type == EliminationApprovedV1.type:
        household.status, household.assistance_status = "eliminated", "eliminated"
    else:
        household.assistance_status = PLAN_STATUS[envelope.type]


SUBSCRIPTIONS = [
    Subscription(ALERT_TOPIC, on_alert),
    Subscription(PLAN_TOPIC, on_assistance),
    Subscription(ELIMINATION_TOPIC, on_assistance),
]
