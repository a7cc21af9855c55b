"""Regional records in, and what the scale-level scan reads of them: a product's price falling against the
windows before (大宗农副产品价格持续大幅下跌), failed industry projects (乡村产业项目失败) and lost or idle
poverty-alleviation assets (扶贫资产流失), per township and county (中农组发〔2021〕7号 二(四) 防止规模性返贫;
《仲恺高新区健全防止返贫动态监测和帮扶机制工作方案》(2021) 二(三))."""

import datetime as dt
import uuid
from collections import defaultdict
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select, tuple_, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from common import clock
from common.auth import Principal
from common.errors import ValidationFailed
from screening.regional.models import RegionalRecord
from screening.regional.schemas import BatchOutcome, RegionalRecordIn

IDENTITY = {"source", "record_id", "revision", "region_code", "observed_on"}  # columns; the rest is its facts


def _check(principal: Principal, records: list[RegionalRecordIn]) -> None:
    errors = []
    for i, r in enumerate(records):
        if not principal.covers(r.region_code):
            errors.append(
                {
                    "field": f"records[{i}].region_code",
                    "message": "outside your jurisdiction",
                    "message_zh": "超出您的辖区",
                }
            )
        if r.observed_on > clock.today():
            errors.append(
                {
                    "field": f"records[{i}].observed_on",
                    "message": f"after today ({clock.today()}, CST)",
                    "message_zh": "晚于今天（北京时间）",
                }
            )
    if errors:
        raise ValidationFailed("Some records cannot be accepted", errors=errors[:100], zh="部分记录不能接收")


async def receive(session: AsyncSession, principal: Principal, records: list[RegionalRecordIn]) -> BatchOutcome:
    """Store a batch in one statement: a record and revision seen before is a duplicate; a higher revision
    marks the earlier ones of its record superseded."""
    _check(principal, records)
    rows = [
        {
            "id": uuid.uuid4(),
            "source": r.source,
            "record_id": r.record_id,
            "revision": r.revision,
            "kind": r.kind,
            "region_code": r.region_code,
            "observed_on": r.observed_on,
            "facts": r.model_dump(mode="json", exclude=IDENTITY),
            "received_by": principal.sub,
        }
        for r in {(r.source, r.record_id, r.revision): r for r in records}.values()
    ]
    stored = await session.execute(
        insert(RegionalRecord)
        .values(rows)
        .on_conflict_do_nothing(index_elements=["source", "record_id", "revision"])
        .returning(RegionalRecord.source, RegionalRecord.record_id, RegionalRecord.revision)
    )
    new = stored.all()
    if not new:
        return BatchOutcome(accepted=0, duplicates=len(records), superseding=0)
    touched = list({(source, record_id) for source, record_id, _ in new})
    latest = (
        select(RegionalRecord.source, RegionalRecord.record_id, func.max(RegionalRecord.revision).label("top"))
        .where(tuple_(RegionalRecord.source, RegionalRecord.record_id).in_(touched))
        .group_by(RegionalRecord.source, RegionalRecord.record_id)
        .subquery()
    )
    # Only the latest revision of each record is current, whatever order its revisions came in.
    await session.execute(
        update(RegionalRecord)
        .where(RegionalRecord.source == latest.c.source, RegionalRecord.record_id == latest.c.record_id)
        .values(superseded=RegionalRecord.revision < latest.c.top)
    )
    revised = (
        await session.execute(
            select(func.count(func.distinct(tuple_(RegionalRecord.source, RegionalRecord.record_id)))).where(
                tuple_(RegionalRecord.source, RegionalRecord.record_id).in_(touched), RegionalRecord.superseded
            )
        )
    ).scalar_one()
    return BatchOutcome(accepted=len(new), duplicates=len(records) - len(new), superseding=revised)


async def _current(
    session: AsyncSession, kind: str, prefix: str, since: dt.date, until: dt.date
) -> list[RegionalRecord]:
    q = select(RegionalRecord).where(
        RegionalRecord.kind == kind,
        ~RegionalRecord.superseded,
        RegionalRecord.region_code.like(prefix + "%"),
        RegionalRecord.observed_on >= since,
        RegionalRecord.observed_on < until,
    )
    return list((await session.execute(q)).scalars())


async def price_falls(
    session: AsyncSession, prefix: str, length: int, start: dt.date, baseline_start: dt.date, today: dt.date
) -> dict[str, list[tuple[str, Decimal, Decimal]]]:
    """Per region of `length` digits: the products whose average price in the window to today is below their
    average in the three windows before, with both averages."""
    recent = await _current(session, "price", prefix, start, today + dt.timedelta(days=1))
    before = await _current(session, "price", prefix, baseline_start, start)

    def averages(rows: list[RegionalRecord]) -> dict[tuple[str, str], Decimal]:
        sums: dict[tuple[str, str], list[Decimal]] = defaultdict(list)
        for r in rows:
            if len(r.region_code) >= length:
                sums[r.region_code[:length], f"{r.facts['product']}（{r.facts['unit']}）"].append(
                    Decimal(str(r.facts["price"]))
                )
        return {k: sum(v, Decimal(0)) / len(v) for k, v in sums.items()}

    now, base = averages(recent), averages(before)
    out: dict[str, list[tuple[str, Decimal, Decimal]]] = defaultdict(list)
    for (region, product), price in sorted(now.items()):
        if (region, product) in base and price < base[region, product]:
            out[region].append((product, base[region, product], price))
    return out


async def failed_projects(
    session: AsyncSession, prefix: str, length: int, start: dt.date, today: dt.date, statuses: tuple[str, ...]
) -> dict[str, dict[str, Any]]:
    """Per region of `length` digits: the projects whose current record, observed in the window, has one of
    `statuses`, and the households whose income depends on them."""
    out: dict[str, dict[str, Any]] = {}
    for r in await _current(session, "project", prefix, start, today + dt.timedelta(days=1)):
        if r.facts["status"] in statuses and len(r.region_code) >= length:
            found = out.setdefault(r.region_code[:length], {"projects": [], "households": 0})
            found["projects"].append(r.facts["name"])
            found["households"] += int(r.facts["households"])
    return out
