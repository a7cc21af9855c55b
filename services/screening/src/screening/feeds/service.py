"""Department records: ingest (REST into the topic), storage (from the topic), matching to households."""

import uuid
from collections.abc import Iterable
from typing import Any, Literal

from sqlalchemy import func, select, text, tuple_, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from common import clock
from common.db import among
from common.events.envelope import validate
from common.free_text import kept
from common.pii import mask_resident_id
from contracts.dept import DEPT_CONTRACTS, DeptRecordBase
from screening.crypto import cipher
from screening.feeds.models import DeptRecord, IngestKey
from screening.mechanisms import outbox
from screening.projections.models import KnownMember

ID_FIELD = "resident_id"  # the same blind-index field as intake's, so indexes match across services
IDENTITY = ("record_id", "revision", "resident_id", "event_date")
Outcome = Literal["accepted", "duplicate", "rejected"]


# A batch of records in one statement, each column bound as one array: SQLAlchemy's executemany of an
# INSERT ... RETURNING renders and binds every row's values itself, which measured about a fifth of the feed.
STORE_COLUMNS = {  # each column of a stored record, with the type of its array
    "id": "uuid",
    "department": "text",
    "record_id": "text",
    "revision": "int",
    "event_date": "date",
    "id_index": "text",
    "id_cipher": "bytea",
    "id_masked": "text",
    "facts": "jsonb",
    "household_id": "uuid",
    "superseded": "boolean",
    "event_id": "text",
    "received_at": "timestamptz",  # from the clock, as the ORM's columns are (ADR 0016)
}
STORE = text(  # built from the constant above only
    f"INSERT INTO screening.dept_records ({', '.join(STORE_COLUMNS)}) SELECT * FROM unnest("  # noqa: S608
    + ", ".join(f"CAST(:{c} AS {t}[])" for c, t in STORE_COLUMNS.items())
    + ") ON CONFLICT DO NOTHING RETURNING id"
)


def parse(department: str, row: dict[str, Any]) -> DeptRecordBase:
    """Validate one record of a department's contract; ValueError with the reason (never the values)."""
    record = validate(DEPT_CONTRACTS[department], row)  # InvalidPayload (a ValueError) names every problem
    assert isinstance(record, DeptRecordBase)
    return kept_as_identifier(record)


def kept_as_identifier(record: DeptRecordBase) -> DeptRecordBase:
    """A department's record id (or a loan's id) is an identifier of its system, and may be a resident ID or a
    phone number: kept as its pseudonym, as a number in any text field is (common.free_text.kept)."""
    return kept(record, cipher)


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


async def store_many(session: AsyncSession, records: list[tuple[DeptRecordBase, str]]) -> list[uuid.UUID | None]:
    """Apply records from the topic (each with its event id), in a few set-based statements whatever their
    number: every revision is kept, the newest is current, matched to a household when possible.
    For each record, the household whose data changed (None: a duplicate, a late older revision, or
    unmatched: it waits in the unmatched queue)."""
    if not records:
        return []
    keys = {(r.department, r.record_id) for r, _ in records}
    newest: dict[tuple[str, str], int] = {
        (d, i): rev
        for d, i, rev in await session.execute(
            select(DeptRecord.department, DeptRecord.record_id, func.max(DeptRecord.revision))
            .where(tuple_(DeptRecord.department, DeptRecord.record_id).in_(keys))
            .group_by(DeptRecord.department, DeptRecord.record_id)
        )
    }
    supersede = {k for k in keys if k in newest}  # an earlier revision is stored: it may be superseded
    for r, _ in records:
        key = (r.department, r.record_id)
        if key in newest and newest[key] != r.revision:
            supersede.add(key)
        newest[key] = max(newest.get(key, r.revision), r.revision)
    indexes = [cipher.blind_index(r.resident_id, ID_FIELD) for r, _ in records]
    households: dict[str, uuid.UUID] = {
        index: household
        for index, household in await session.execute(
            select(KnownMember.id_index, KnownMember.household_id).where(
                among(KnownMember.id_index, set(indexes)), KnownMember.active
            )
        )
    }
    now = clock.now()
    rows: list[dict[str, Any]] = [
        {
            "id": uuid.uuid4(),
            "department": r.department,
            "record_id": r.record_id,
            "revision": r.revision,
            "event_date": r.event_date,
            "id_index": index,
            "id_cipher": cipher.encrypt(r.resident_id, ID_FIELD),
            "id_masked": mask_resident_id(r.resident_id),
            "facts": r.__pydantic_serializer__.to_json(r, exclude=set(IDENTITY)).decode(),
            "household_id": households.get(index),
            "superseded": r.revision < newest[r.department, r.record_id],
            "event_id": event_id,
            "received_at": now,
        }
        for (r, event_id), index in zip(records, indexes, strict=True)
    ]
    inserted = set((await session.execute(STORE, {c: [row[c] for row in rows] for c in STORE_COLUMNS})).scalars())
    for department, record_id in supersede:  # rare: corrections
        await session.execute(
            update(DeptRecord)
            .where(
                DeptRecord.department == department,
                DeptRecord.record_id == record_id,
                DeptRecord.revision < newest[department, record_id],
            )
            .values(superseded=True)
        )
    # A duplicate or a late older revision is kept for the record (or not at all), and changes nothing.
    return [row["household_id"] if row["id"] in inserted and not row["superseded"] else None for row in rows]


async def match_waiting(session: AsyncSession, household_id: uuid.UUID, id_indexes: Iterable[str]) -> int:
    """A household (or member) was registered: its waiting records are now its own."""
    result = await session.execute(
        update(DeptRecord)
        .where(DeptRecord.household_id.is_(None), DeptRecord.id_index.in_(list(id_indexes)))
        .values(household_id=household_id)
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]
