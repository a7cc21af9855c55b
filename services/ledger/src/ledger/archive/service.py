"""A household's archive (一户一档): its entries in the log as of a date,
read within the caller's jurisdiction and audited."""

import datetime as dt
import json
import uuid
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from common.auth import Principal, absent
from common.regions import full_name
from common.vocabulary import EVENT_ZH
from contracts.intake import HouseholdRegisteredV1
from ledger.archive.schemas import Archive, ArchiveEntry
from ledger.archive.stated import step_date
from ledger.checkpoints.service import b64
from ledger.mechanisms import audit
from ledger.models import Entry


def summary(data: dict[str, Any], type_: str) -> str:
    """A line a person reads: what the step is, and the date its officer states."""
    text = EVENT_ZH.get(type_, type_)
    stated = step_date(data)
    return f"{text}（{stated}）" if stated else text


async def entries_of(session: AsyncSession, household_id: uuid.UUID, as_of: dt.datetime) -> list[Entry]:
    q = (
        select(Entry)
        .where(
            or_(Entry.subject == str(household_id), Entry.data["household_id"].astext == str(household_id)),
            Entry.time <= as_of,
        )
        .order_by(Entry.leaf_index)
    )
    return list((await session.execute(q)).scalars())


async def registration_of(session: AsyncSession, household_id: uuid.UUID) -> Entry | None:
    """The household's registration in the log (where it is: its region decides who may read about it)."""
    q = select(Entry).where(Entry.subject == str(household_id), Entry.type == HouseholdRegisteredV1.type).limit(1)
    return (await session.execute(q)).scalar_one_or_none()


async def archive_of(
    session: AsyncSession, principal: Principal, household_id: uuid.UUID, as_of: dt.datetime, what: str, purpose: str
) -> tuple[Archive, list[Entry]]:
    rows = await entries_of(session, household_id, as_of)
    if not rows:
        raise absent("household")
    region = next((r.data["region_code"] for r in rows if isinstance(r.data.get("region_code"), str)), None)
    if region is None or not principal.covers(region):
        raise absent("household")  # outside the jurisdiction: as if absent
    await audit.read(session, principal, household_id, region, what, purpose)
    entries = []
    for r in rows:
        body = json.loads(r.body)  # the authoritative content is the leaf's bytes
        entries.append(
            ArchiveEntry(
                leaf_index=r.leaf_index,
                time=r.time,
                type=r.type,
                type_zh=EVENT_ZH.get(r.type, r.type),
                topic=r.topic,
                source=r.source,
                event_id=r.event_id,
                summary=summary(body["data"], r.type),
                data=body["data"],
                leaf_hash=b64(r.leaf_hash),
            )
        )
    return Archive(
        household_id=household_id, region_code=region, region_name=full_name(region), as_of=as_of, entries=entries
    ), rows
