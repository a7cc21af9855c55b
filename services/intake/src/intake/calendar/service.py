"""The working-day calendar as data: seeded from chinese-calendar, extendable by ops for new years."""

import datetime as dt
from importlib.metadata import version

from fastapi import FastAPI
from sqlalchemy import delete, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from common.db import Database
from common.workdays import Deadline, WorkdayCalendar, package_exceptions, package_years
from contracts.intake import CalendarDayFacts, CalendarYearLoadedV1
from intake.calendar.models import CalendarDay, CalendarYear
from intake.mechanisms import outbox


async def seed_from_package(app: FastAPI) -> None:
    """Startup: load the years chinese-calendar knows that the table does not have yet."""
    db: Database = app.state.db
    source = f"chinese-calendar {version('chinesecalendar')}"
    async with db.transaction() as session:
        known = set((await session.execute(select(CalendarYear.year))).scalars())
        for year in package_years():
            if year in known:
                continue
            await session.execute(
                insert(CalendarYear).values(year=year, source=source, loaded_by="system").on_conflict_do_nothing()
            )
            days = [{"day": d, "is_workday": w, "name": n} for d, (w, n) in package_exceptions(year).items()]
            if days:
                await session.execute(insert(CalendarDay).values(days).on_conflict_do_nothing())


async def calendar_for(session: AsyncSession, first: dt.date, last: dt.date) -> WorkdayCalendar:
    years = set(
        (
            await session.execute(select(CalendarYear.year).where(CalendarYear.year.between(first.year, last.year)))
        ).scalars()
    )
    days = (
        await session.execute(
            select(CalendarDay.day, CalendarDay.is_workday).where(CalendarDay.day.between(first, last))
        )
    ).all()
    return WorkdayCalendar(years, {d.day: d.is_workday for d in days})


async def deadline(session: AsyncSession, start: dt.date, working_days: int) -> Deadline:
    # Generous window: n working days never span more than ~n*2 + a golden week.
    return (await calendar_for(session, start, start + dt.timedelta(days=working_days * 3 + 14))).add_workdays(
        start, working_days
    )


async def replace_year(
    session: AsyncSession, year: int, source: str, loaded_by: str, days: list[tuple[dt.date, bool, str]]
) -> None:
    await session.execute(
        delete(CalendarDay).where(CalendarDay.day.between(dt.date(year, 1, 1), dt.date(year, 12, 31)))
    )
    await session.execute(
        insert(CalendarYear)
        .values(year=year, source=source, loaded_by=loaded_by)
        .on_conflict_do_update(index_elements=["year"], set_={"source": source, "loaded_by": loaded_by})
    )
    if days:
        await session.execute(insert(CalendarDay).values([{"day": d, "is_workday": w, "name": n} for d, w, n in days]))
    await outbox.add(  # the other services count working days by it too (ADR 0004)
        session,
        CalendarYearLoadedV1(
            year=year,
            source=source,
            loaded_by=loaded_by,
            days=[CalendarDayFacts(day=d, is_workday=w, name=n) for d, w, n in days],
        ),
        subject=str(year),
    )


async def year_of(session: AsyncSession, year: int) -> tuple[CalendarYear | None, list[CalendarDay]]:
    meta = await session.get(CalendarYear, year)
    days = list(
        (
            await session.execute(
                select(CalendarDay)
                .where(CalendarDay.day.between(dt.date(year, 1, 1), dt.date(year, 12, 31)))
                .order_by(CalendarDay.day)
            )
        ).scalars()
    )
    return meta, days
