"""Department records from the feeds' topics, stored; each record that names a registered household
re-evaluates its rules."""

from sqlalchemy.ext.asyncio import AsyncSession

from common.events.contracts.dept import CivilAffairsRecordV1, DeptRecordBase
from common.events.envelope import BadEvent, Envelope
from common.events.topics import CONTRACTS_BY_TYPE
from screening.alerts.service import household_changed
from screening.checks.service import apply_result
from screening.feeds.service import store_many


def _dept_record(envelope: Envelope) -> DeptRecordBase:
    contract = CONTRACTS_BY_TYPE.get(envelope.type)
    if contract is None or not issubclass(contract, DeptRecordBase):
        raise BadEvent(f"unknown department record type {envelope.type}")
    return envelope.payload(contract)


async def on_dept_records(session: AsyncSession, envelopes: list[Envelope]) -> None:
    """Department feeds are the volume: a run of records is stored in a few statements."""
    records = [_dept_record(e) for e in envelopes]
    stored = await store_many(session, [(r, e.id) for r, e in zip(records, envelopes, strict=True)])
    for record, household_id in zip(records, stored, strict=True):
        if household_id is None:
            continue
        if isinstance(record, CivilAffairsRecordV1) and record.kind == "economic_check_result":
            ref = f"{record.department}:{record.record_id}@{record.revision}"
            await apply_result(session, household_id, record, ref)
        household_changed(session, household_id)
