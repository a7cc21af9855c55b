"""The departments' lists, as assistance sends them."""

from sqlalchemy.ext.asyncio import AsyncSession

from common import clock
from contracts.assistance import DepartmentListEntryV1
from intake.projections.models import DepartmentListing


async def on_department_list_entry(session: AsyncSession, event: DepartmentListEntryV1) -> None:
    """Keep the newest entry of each (department, household, plan); an older one arriving late is ignored."""
    key = (event.department, event.household_id, event.plan_id)
    entry = await session.get(DepartmentListing, key, with_for_update=True)
    if entry is None:
        entry = DepartmentListing(department=event.department, household_id=event.household_id, plan_id=event.plan_id)
        session.add(entry)
    elif entry.occurred_at > event.occurred_at:
        return
    entry.region_code, entry.listed, entry.occurred_at = event.region_code, event.listed, event.occurred_at
    entry.received_at = clock.now()
