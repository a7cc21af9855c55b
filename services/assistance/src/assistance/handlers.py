"""Assistance learns of newly monitored households from intake's case approvals."""

from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from assistance.models import MonitoredCase
from common.events.contracts.intake import CASE_TOPIC, CaseApprovedV1
from common.events.envelope import Envelope
from common.messaging.consumer import Subscription


async def on_case(session: AsyncSession, envelope: Envelope) -> None:
    if envelope.type != CaseApprovedV1.type:
        return
    event = envelope.payload(CaseApprovedV1)
    await session.execute(
        insert(MonitoredCase)
        .values(
            case_id=event.case_id,
            household_id=event.household_id,
            region_code=event.region_code,
            object_type=event.object_type,
            risks=[r.model_dump(mode="json") for r in event.risks],
            approved_at=event.occurred_at,
        )
        .on_conflict_do_nothing()
    )


SUBSCRIPTIONS = [Subscription(CASE_TOPIC, on_case)]
