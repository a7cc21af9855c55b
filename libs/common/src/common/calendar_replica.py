"""A service's copy of the working-day arrangements intake's ops load for new years (ADR 0004): kept from
`intake.calendar.v1`, merged over what the chinese-calendar package knows."""

import datetime as dt

from sqlalchemy import Boolean, Column, Date, Integer, MetaData, String, Table, delete, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from common.events.envelope import Envelope
from common.messaging.consumer import Subscription
from common.workdays import WorkdayCalendar, package_calendar, package_days, package_years
from contracts.intake import CALENDAR_TOPIC, CalendarYearLoadedV1


class CalendarReplica:
    def __init__(self, metadata: MetaData) -> None:
        self.years = Table(
            "calendar_years",
            metadata,
            Column("year", Integer, primary_key=True),
            Column("source", String(200), nullable=False),
        )
        self.days = Table(
            "calendar_days",
            metadata,
            Column("day", Date, primary_key=True),
            Column("is_workday", Boolean, nullable=False),
            Column("name", String(100), nullable=False),
        )

    def subscription(self) -> Subscription:
        return Subscription(CALENDAR_TOPIC, self.apply)

    async def apply(self, session: AsyncSession, envelope: Envelope) -> None:
        if envelope.type != CalendarYearLoadedV1.type:
            return
        event = envelope.payload(CalendarYearLoadedV1)
        first, last = dt.date(event.year, 1, 1), dt.date(event.year, 12, 31)
        await session.execute(delete(self.days).where(self.days.c.day.between(first, last)))
        await session.execute(
            insert(self.years)
            .values(year=event.year, source=event.source)
            .on_conflict_do_update(index_elements=["year"], set_={"source": event.source})
        )
        if event.days:
            rows = [{"day": d.day, "is_workday": d.is_workday, "name": d.name} for d in event.days]
            await session.execute(insert(self.days), rows)

    async def calendar(self, session: AsyncSession) -> WorkdayCalendar:
        """The package's years, with every year ops loaded replacing the package's data for it."""
        loaded = set((await session.execute(select(self.years.c.year))).scalars())
        if not loaded:  # the usual case: nothing beyond the package (one small query per batch, no merge)
            return package_calendar()
        exceptions = {day: workday for day, workday in package_days().items() if day.year not in loaded}
        exceptions |= {d.day: d.is_workday for d in await session.execute(select(self.days))}
        return WorkdayCalendar({*package_years(), *loaded}, exceptions)
