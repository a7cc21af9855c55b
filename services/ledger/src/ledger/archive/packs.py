"""The policy pack a form is worded by, read from the log itself: every published pack is an entry
(screening.policy.pack-published), ranked as every service ranks them (common.policy). So a form names the
approving level and the office of the household's jurisdiction (区级 and 区乡村振兴部门 in 仲恺高新区, 市级 in
弥勒市, a county-level city) and its notice's working days, as the log that holds it says."""

import datetime as dt
import uuid
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from common.policy import in_force
from contracts.policy import PackValues
from contracts.screening import POLICY_TOPIC, PolicyPackPublishedV1
from ledger.models import Entry


@dataclass(frozen=True)
class LoggedPack:
    policy_id: uuid.UUID
    jurisdiction: str
    level: str
    prefixes: list[str]
    year: int
    version: int
    effective_from: dt.date
    published_at: dt.datetime
    pack: dict[str, Any] = field(hash=False)

    @property
    def ref(self) -> str:
        return f"policy:{self.jurisdiction}:{self.year}:v{self.version}"


@dataclass(frozen=True)
class Wording:
    values: PackValues
    ref: str


async def wording(session: AsyncSession, region_code: str, on: dt.date) -> Wording:
    """The pack in force for a region on a date, with the national pack's mandatory values; the local
    defaults where the log holds none."""
    rows = [
        LoggedPack(
            policy_id=uuid.UUID(e.data["policy_id"]),
            jurisdiction=e.data["jurisdiction"]["code"],
            level=e.data["jurisdiction"]["level"],
            prefixes=e.data["prefixes"],
            year=e.data["year"],
            version=e.data["version"],
            effective_from=dt.date.fromisoformat(e.data["effective_from"]),
            published_at=e.time,
            pack=e.data["pack"],
        )
        for e in (
            await session.execute(  # the (topic, seq) index: packs are few among millions of entries
                select(Entry).where(Entry.topic == POLICY_TOPIC, Entry.type == PolicyPackPublishedV1.type)
            )
        ).scalars()
    ]
    found = in_force(region_code, on.year, on, rows)
    if found is None:
        return Wording(PackValues(), "local defaults: no policy pack in the log governs the region")
    return Wording(found.values, found.pack.ref)
