"""Batches for the national monitoring information system (全国防返贫监测信息系统): every seed requires the
records to be entered in it, and officers must not key everything in twice. A batch holds the households of
a region whose record changed in the log since the region's last batch, each as that system's entry needs it."""

import uuid
from typing import Any

from sqlalchemy import ColumnElement, Select, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from common.auth import Principal
from common.errors import Conflict, NotFound
from common.regions import full_name
from common.vocabulary import CATEGORY_ZH, MEASURE_STATUS_ZH, OBJECT_ZH, RISK_ZH, zh
from contracts.assistance import ELIMINATION_TOPIC, PLAN_TOPIC, EliminationApprovedV1, PlanEventBase
from contracts.intake import (
    CASE_EVENTS,
    CASE_TOPIC,
    HOUSEHOLD_TOPIC,
    CaseApprovedV1,
    HouseholdRegisteredV1,
    HouseholdUpdatedV1,
)
from ledger.archive.records import event_of, latest
from ledger.exports.models import NationalExport, NationalExportAck
from ledger.exports.schemas import ExportBatch, ExportPublic, NationalRecord
from ledger.models import Entry

# What the national system records: the household, its case, its plan and measures, its elimination.
EXPORTED = (HOUSEHOLD_TOPIC, CASE_TOPIC, PLAN_TOPIC, ELIMINATION_TOPIC)
BATCH_LIMIT = 5000  # households per batch; the next batch goes on from there


async def create(
    session: AsyncSession, principal: Principal, prefix: str
) -> tuple[NationalExport, list[NationalRecord]]:
    """The next batch of the region: from the last batch's leaf to the log's head now. One batch at a time
    per region (a lock on the region's batches), so two officers cannot export the same changes twice."""
    await session.execute(select(func.pg_advisory_xact_lock(func.hashtext(f"national-export:{prefix}"))))
    after = (
        await session.execute(
            select(func.max(NationalExport.through_leaf)).where(NationalExport.region_prefix == prefix)
        )
    ).scalar_one()
    after = -1 if after is None else int(after)
    touched = list(await session.execute(_changed(prefix, after).limit(BATCH_LIMIT)))
    if not touched:
        raise Conflict("Nothing changed in the region since its last batch", zh="自上一批导出以来该地区没有变化")
    through = max(int(r.last) for r in touched)
    records = await records_of(session, [str(r.subject) for r in touched], through)
    batch = NationalExport(
        id=uuid.uuid4(),
        region_prefix=prefix,
        after_leaf=after,
        through_leaf=through,
        records=len(records),
        exported_by=principal.sub,
    )
    session.add(batch)
    await session.flush()
    await session.refresh(batch)
    return batch, records


async def households_in(session: AsyncSession, batch: NationalExport) -> list[str]:
    """The households a batch holds: those with an exported entry of its region in its leaves."""
    q = _changed(batch.region_prefix, batch.after_leaf, batch.through_leaf)
    return [str(r.subject) for r in await session.execute(q)]


def _changed(prefix: str, after: int, through: int | None = None) -> Select[str, int]:
    """The households of a region with an exported entry after leaf `after` (through `through`), each with
    its last such leaf, in the order of those leaves: what a batch holds."""
    q = select(Entry.subject, func.max(Entry.leaf_index).label("last")).where(
        Entry.leaf_index > after, Entry.data["region_code"].astext.startswith(prefix), _exported()
    )
    if through is not None:
        q = q.where(Entry.leaf_index <= through)
    return q.group_by(Entry.subject).order_by(func.max(Entry.leaf_index))


def _exported() -> ColumnElement[bool]:
    return Entry.topic.in_(EXPORTED)


async def records_of(session: AsyncSession, households: list[str], through: int) -> list[NationalRecord]:
    """Each household as of leaf `through`: the log's entries of it folded into the national system's fields."""
    q = (
        select(Entry)
        .where(Entry.subject.in_(households), Entry.leaf_index <= through, _exported())
        .order_by(Entry.leaf_index)
    )
    by_household: dict[str, list[Entry]] = {h: [] for h in households}
    for e in (await session.execute(q)).scalars():
        by_household[e.subject].append(e)
    return [r for h in households if (r := _record(h, by_household[h])) is not None]


def _record(household_id: str, entries: list[Entry]) -> NationalRecord | None:
    h = latest(entries, HouseholdRegisteredV1, HouseholdUpdatedV1)
    if h is None:
        return None  # a household registered before the log began: its registration is not in it
    case = latest(entries, *CASE_EVENTS.values())
    approved = latest(entries, CaseApprovedV1)
    plan = next((e for e in map(event_of, reversed(entries)) if isinstance(e, PlanEventBase)), None)
    eliminated = latest(entries, EliminationApprovedV1)
    last = {e.type: i for i, e in enumerate(entries)}  # the position of each type's latest entry
    if last.get(EliminationApprovedV1.type, -1) > last.get(CaseApprovedV1.type, -1):
        status = "风险已消除"  # eliminated after the latest identification (a re-entry is monitored again)
    else:
        state = case.state if case else None
        status = {"monitored": "监测中", "rejected": "未认定", None: "未申报"}.get(state, "识别中")
    return NationalRecord(
        household_id=uuid.UUID(household_id),
        household_no=h.household_no,
        region_code=h.region_code,
        region_name=full_name(h.region_code),
        category=zh(CATEGORY_ZH, h.category) or None,
        people=len([m for m in h.members if m.active]),
        status=status,
        object_type=zh(OBJECT_ZH, str(case.object_type or "")) if case and case.object_type else None,
        risks=[zh(RISK_ZH, str(r.category)) for r in (case.risks if case else [])],
        identified_on=approved.data.approved_on if approved else None,
        identification_no=approved.data.approval_no if approved else None,
        measures=[f"{m.name or m.code}（{zh(MEASURE_STATUS_ZH, m.status)}）" for m in (plan.measures if plan else [])],
        eliminated_on=eliminated.data.approved_on if eliminated else None,
        elimination_no=eliminated.data.approval_no if eliminated else None,
        last_leaf=entries[-1].leaf_index,
    )


async def batch_of(session: AsyncSession, principal: Principal, export_id: uuid.UUID) -> NationalExport:
    batch = await session.get(NationalExport, export_id)
    if batch is None or not principal.covers(batch.region_prefix):
        raise NotFound("No such export", zh="未找到该批导出")
    return batch


async def public(session: AsyncSession, batch: NationalExport, items: list[NationalRecord] | None = None) -> Any:
    ack = (
        await session.execute(
            select(NationalExportAck)
            .where(NationalExportAck.export_id == batch.id)
            .order_by(NationalExportAck.acknowledged_at.desc())
            .limit(1)
        )
    ).scalar_one_or_none()
    fields = {
        **ExportPublic.model_validate(batch).model_dump(exclude={"acknowledged", "accepted", "rejected"}),
        "acknowledged": ack is not None,
        "accepted": ack.accepted if ack else None,
        "rejected": ack.rejected if ack else None,
    }
    return ExportBatch(**fields, households=items) if items is not None else ExportPublic(**fields)
