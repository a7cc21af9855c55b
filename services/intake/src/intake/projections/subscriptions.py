"""The departments' lists, as assistance sends them; civil affairs' 低保/特困 enrolments, as its feed sends them."""

from sqlalchemy.ext.asyncio import AsyncSession

from common import clock
from contracts.assistance import DepartmentListEntryV1
from contracts.dept import CivilAffairsRecordV1
from intake.crypto import cipher
from intake.households.service import ID_FIELD
from intake.projections.models import DepartmentListing, SocialFloorEnrolment


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


async def on_civil_affairs_record(session: AsyncSession, record: CivilAffairsRecordV1) -> None:
    """Keep each person's newest 低保/特困 enrolment or exit, by the blind index of the resident ID only (the
    number itself is not kept); the feed's other kinds are screening's business."""
    programme, _, change = record.kind.partition("_")
    if programme not in ("dibao", "tekun") or change not in ("enrolled", "exited"):
        return
    key = (cipher.blind_index(record.resident_id, ID_FIELD), programme)
    row = await session.get(SocialFloorEnrolment, key, with_for_update=True)
    if row is None:
        row = SocialFloorEnrolment(id_index=key[0], programme=programme)
        session.add(row)
    elif row.event_date > record.event_date:  # an older record delivered late does not undo a newer one
        return
    row.enrolled, row.event_date = change == "enrolled", record.event_date
    row.received_at = clock.now()
