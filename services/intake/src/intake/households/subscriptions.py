"""The household's assistance status, as assistance reports it."""

import uuid

from sqlalchemy.ext.asyncio import AsyncSession

from common.events.envelope import BadEvent
from contracts.assistance import (
    EliminationApprovedV1,
    PlanApprovedV1,
    PlanDraftedV1,
    PlanEventBase,
    PlanExcludedV1,
)
from intake.households.models import Household
from intake.registry import service as registry

PLAN_STATUS = {
    PlanDraftedV1.type: "plan_drafted",
    PlanApprovedV1.type: "assisted",
    PlanExcludedV1.type: "excluded",
}


async def _household(session: AsyncSession, household_id: uuid.UUID) -> Household:
    household = await session.get(Household, household_id, with_for_update=True)
    if household is None:
        raise BadEvent(f"assistance event for unknown household {household_id}")
    return household


async def on_plan(session: AsyncSession, event: PlanEventBase) -> None:
    """The household's assistance status, as assistance reports it."""
    (await _household(session, event.household_id)).assistance_status = PLAN_STATUS[event.type]


async def on_eliminated(session: AsyncSession, event: EliminationApprovedV1) -> None:
    """An approved elimination marks the household eliminated (never deleted: a new approved case makes it
    monitored again)."""
    household = await _household(session, event.household_id)
    household.status, household.assistance_status = "eliminated", "eliminated"
    await registry.changed(session, household, "eliminated")
