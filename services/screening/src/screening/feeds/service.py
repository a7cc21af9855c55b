"""Department records: ingest (REST into the topic), storage (from the topic), matching to households."""

import uuid
from collections.abc import Iterable
from typing import Any, Literal

from pydantic import ValidationError
from sqlalchemy import func, select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from common.events.contracts.dept import DEPT_CONTRACTS, DeptRecordBase
from common.events.envelope import describe
from common.pii import mask_resident_id
from screening.base import outbox
from screening.crypto import cipher
from screening.feeds.models import DeptRecord, IngestKey
from screening.models import KnownMember

ID_FIELD = "resident_id"  # the same blind-index field as intake's, so indexes match across services
IDENTITY = ("record_id", "revision", "resident_id", "event_date")
Outcome = Literal["accepted", "duplicate", "rejected"]


def parse(department: str, row: dict[str, Any]) -> DeptRecordBase:
    """Validate one record of a department's contract; ValueError with the reason (never the values)."""
    try:
        return DEPT_CONTRACTS[department].model_validate(row)
    except ValidationError as exc:
        raise ValueError(describe(exc)) from None


async def ingest(session: AsyncSession, record: DeptRecordBase) -> Outcome:
    """Accept a record into its department's topic (through the outbox), once per (record id, revision)."""
    stored = await session.execute(
        insert(IngestKey)
        .values(
            department=record.department,
            record_id=record.record_id,
            revision=record.revision,
        )
        .on_conflict_do_nothing()
        .returning(IngestKey.record_id)
    )
    if stored.first() is None:
        return "duplicate"
    await outbox.add(session, record, subject=f"{record.department}:{record.record_id}")
    return "accepted"


async def store(session: AsyncSession, record: DeptRecordBase, event_id: str) -> uuid.UUID | None:
    """Apply a record from the topic: keep every revision, the newest current, matched when possible.
    Returns the household whose data changed (None: a duplicate, a late older revision, or unmatched)."""
    newest = (
        await session.execute(
            select(func.max(DeptRecord.revision)).where(
                DeptRecord.department == record.department, DeptRecord.record_id == record.record_id
            )
        )
    ).scalar_one()
    stale = newest is not None and newest > record.revision
    id_index = cipher.blind_index(record.resident_id, ID_FIELD)
    household = (
        await session.execute(
            select(KnownMember.household_id).where(KnownMember.id_index == id_index, KnownMember.active).limit(1)
        )
    ).scalar_one_or_none()
    inserted = await session.execute(
        insert(DeptRecord)
        .values(
            id=uuid.uuid4(),
            department=record.department,
            record_id=record.record_id,
            revision=record.revision,
            event_date=record.event_date,
            id_index=id_index,
            id_cipher=cipher.encrypt(record.resident_id, ID_FIELD),
            id_masked=mask_resident_id(record.resident_id),
            facts=record.model_dump(mode="json", exclude=set(IDENTITY)),
            household_id=household,
            superseded=stale,
            event_id=event_id,
        )
        .on_conflict_do_nothing()
        .returning(DeptRecord.id)
    )
    if inserted.first() is None:
        return None  # a duplicate
    if stale:
        return None  # an older revision arriving late: kept for the record, not current
    await session.execute(
        update(DeptRecord)
        .where(
            DeptRecord.department == record.department,
            DeptRecord.record_id == record.record_id,
            DeptRecord.revision < record.revision,
        )
        .values(superseded=True)
    )
    return household  # None: it waits in the unmatched queue


async def match_waiting(session: AsyncSession, household_id: uuid.UUID, id_indexes: Iterable[str]) -> int:
    """A household (or member) was registered: its waiting records are now its own."""
    result = await session.execute(
        update(DeptRecord)
        .where(DeptRecord.household_id.is_(None), DeptRecord.id_index.in_(list(id_indexes)))
        .values(household_id=household_id)
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]
