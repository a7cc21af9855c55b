from typing import Annotated

from fastapi import APIRouter, Path, Query
from pydantic import BaseModel, ConfigDict, Field

from common.access import CalendarRead, CalendarWrite
from common.clock import Day
from common.db import SessionDep
from common.errors import Forbidden, ValidationFailed, problem_responses
from intake.calendar import service

router = APIRouter(prefix="/calendar", tags=["calendar"])
Year = Annotated[int, Path(ge=2000, le=2100)]


class CalendarDayIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    day: Day
    is_workday: bool = Field(description="true: an adjusted working weekend (调休); false: a weekday holiday")
    name: str = Field("", max_length=100, examples=["国庆节"])


class CalendarYearIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    source: str = Field(min_length=1, max_length=100, examples=["国务院办公厅关于2027年部分节假日安排的通知"])
    days: list[CalendarDayIn] = Field(max_length=366)


class CalendarYearOut(BaseModel):
    year: int
    official: bool = Field(description="false: no arrangement loaded, Monday-Friday is assumed")
    source: str | None
    days: list[CalendarDayIn]


class DeadlineOut(BaseModel):
    start: Day
    working_days: int
    due: Day
    calendar_assumed: bool
    assumed_years: list[int]


def _in_year(year: int, body: CalendarYearIn) -> CalendarYearIn:
    wrong = [str(d.day) for d in body.days if d.day.year != year]
    if wrong:
        raise ValidationFailed(
            f"Days outside {year}: {', '.join(wrong)}",
            errors=[
                {
                    "field": "days",
                    "message": "day outside the year",
                    "type": "value_error",
                    "message_zh": "日期不在该年度内",
                }
            ],
            zh=f"以下日期不在{year}年内：{'、'.join(wrong)}",
        )
    return body


@router.get("/deadline", response_model=DeadlineOut)
async def compute_deadline(
    session: SessionDep, _: CalendarRead, start: Day, working_days: Annotated[int, Query(ge=1, le=60)] = 5
) -> DeadlineOut:
    """The n-th Chinese working day after `start` (holidays and adjusted weekends counted). Where a
    year's arrangement is not loaded, Monday-Friday is counted and `calendar_assumed` is true."""
    d = await service.deadline(session, start, working_days)
    return DeadlineOut(
        start=start,
        working_days=working_days,
        due=d.due,
        calendar_assumed=d.assumed,
        assumed_years=list(d.assumed_years),
    )


@router.get("/{year}", response_model=CalendarYearOut)
async def get_year(year: Year, session: SessionDep, _: CalendarRead) -> CalendarYearOut:
    """The days of a year that differ from Monday-Friday, and whether the arrangement is official."""
    meta, days = await service.year_of(session, year)
    return CalendarYearOut(
        year=year,
        official=meta is not None,
        source=meta.source if meta else None,
        days=[CalendarDayIn(day=d.day, is_workday=d.is_workday, name=d.name) for d in days],
    )


@router.put("/{year}", response_model=CalendarYearOut, responses=problem_responses(Forbidden, ValidationFailed))
async def put_year(year: Year, body: CalendarYearIn, session: SessionDep, principal: CalendarWrite) -> CalendarYearOut:
    """Load (or correct) a year's official holiday arrangement when the State Council announces it."""
    _in_year(year, body)
    await service.replace_year(
        session, year, body.source, principal.sub, [(d.day, d.is_workday, d.name) for d in body.days]
    )
    return CalendarYearOut(year=year, official=True, source=body.source, days=sorted(body.days, key=lambda d: d.day))
