"""Chinese working days (工作日) for procedure deadlines.

The official calendar (statutory holidays, adjusted working weekends 调休) is data: seeded from the
`chinese-calendar` package for the years it knows, and extendable by ops for a newly announced year.
For a year nobody has loaded, we count Monday-Friday and say so (`assumed=True`).
"""

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache

import chinese_calendar


@dataclass(frozen=True)
class Deadline:
    due: dt.date
    assumed_years: tuple[int, ...]  # years counted Monday-Friday because no official calendar is loaded

    @property
    def assumed(self) -> bool:
        return bool(self.assumed_years)


class WorkdayCalendar:
    def __init__(self, known_years: Iterable[int], exceptions: Mapping[dt.date, bool]) -> None:
        """`exceptions` holds only the days that differ from Monday-Friday: holidays on weekdays
        (False) and working weekends (True)."""
        self.known_years = frozenset(known_years)
        self.exceptions = dict(exceptions)
        # Deadlines already counted: a batch gives thousands of things the same start and period.
        self._added: dict[tuple[dt.date, int], Deadline] = {}

    def is_workday(self, day: dt.date) -> bool:
        return self.exceptions.get(day, day.weekday() < 5)

    def add_workdays(self, start: dt.date, n: int) -> Deadline:
        """The n-th working day after `start` (a notice published on `start` runs on the next n working days)."""
        if (start, n) in self._added:
            return self._added[start, n]
        if n < 1:
            raise ValueError("n must be >= 1")
        day, counted, assumed = start, 0, set()
        while counted < n:
            day += dt.timedelta(days=1)
            if day.year not in self.known_years:
                assumed.add(day.year)
            if self.is_workday(day):
                counted += 1
        self._added[start, n] = Deadline(day, tuple(sorted(assumed)))
        return self._added[start, n]

    def workdays_between(self, start: dt.date, end: dt.date) -> int:
        """Working days after `start` up to and including `end` (0 when end <= start): how overdue a thing
        due on `start` is on `end`."""
        return sum(self.is_workday(start + dt.timedelta(days=i)) for i in range(1, (end - start).days + 1))


def package_years() -> range:
    years = sorted({d.year for d in chinese_calendar.holidays} | {d.year for d in chinese_calendar.workdays})
    return range(years[0], years[-1] + 1)


def package_exceptions(year: int) -> dict[dt.date, tuple[bool, str]]:
    """The days of `year` that differ from Monday-Friday, with the holiday's name, per chinese-calendar."""
    out: dict[dt.date, tuple[bool, str]] = {}
    day = dt.date(year, 1, 1)
    while day.year == year:
        is_work = chinese_calendar.is_workday(day)
        if is_work != (day.weekday() < 5):
            _, name = chinese_calendar.get_holiday_detail(day)
            out[day] = (is_work, name or "")
        day += dt.timedelta(days=1)
    return out


@cache
def package_days() -> dict[dt.date, bool]:
    """Every day chinese-calendar knows that differs from Monday-Friday: True for a working weekend."""
    return {d: w for y in package_years() for d, (w, _) in package_exceptions(y).items()}


@cache
def package_calendar() -> WorkdayCalendar:
    """The official calendar as chinese-calendar knows it (services without intake's ops-extended copy)."""
    return WorkdayCalendar(package_years(), package_days())
