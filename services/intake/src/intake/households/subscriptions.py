"""The household's assistance status, as assistance reports it."""

from sqlalchemy.ext.asyncio import AsyncSession

from common.events.contracts.assistance import (
    EliminationApprovedV1,
    PlanApprovedV1,
    PlanDraftedV1,
    PlanExcludedV1,
)
from common.events.envelope import BadEvent, Envelope
from common.events.topics import CONTRACTS_BY_TYPE
from intake.households.models import Household

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
