"""Department records from the feeds' topics, stored; each record that names a registered household
re-evaluates its rules."""

import uuid

from sqlalchemy.ext.asyncio import AsyncSession

from common.messaging.subscribe import Received
from contracts.dept import CivilAffairsRecordV1, DeptRecordBase
from screening.checks.service import apply_result
from screening.feeds.service import kept_as_identifier, store_many


async def on_dept_records(session: AsyncSession, received: list[Received[DeptRecordBase]]) -> list[uuid.UUID]:
    """Department feeds are the volume: a run of records is stored in a few statements. Answers the
    registered households they name (whose rules are then evaluated, see handlers.py)."""
    # A department publishing straight to its topic may key a record by an ID number: named as on the REST path.
    records = [kept_as_identifier(r.event) for r in received]
    stored = await store_many(session, [(record, r.envelope.id) for record, r in zip(records, received, strict=True)])
    touched = []
    for record, household_id in zip(records, stored, strict=True):
        if household_id is None:
            continue
        if isinstance(record, CivilAffairsRecordV1) and record.kind == "economic_check_result":
            ref = f"{record.department}:{record.record_id}@{record.revision}"
            await apply_result(session, household_id, record, ref)
        touched.append(household_id)
    return touched
