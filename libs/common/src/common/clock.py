"""The one clock of every service: procedure dates are China Standard Time dates, whatever the server's
zone (a container in UTC would otherwise see "today" change at 08:00 Beijing time); instants are UTC."""

import datetime as dt
from typing import Annotated
from zoneinfo import ZoneInfo

from pydantic import AfterValidator

from common.errors import Conflict, ValidationFailed

CST = ZoneInfo("Asia/Shanghai")


# Set only by `devkit.testing.fixtures.on_day`: tests walk a procedure through a notice period that a real
# run would wait out; nothing in the services sets it.
_today_override: dt.date | None = None


def today() -> dt.date:
    return _today_override or dt.datetime.now(CST).date()


def cst_date(instant: dt.datetime) -> dt.date:
    """The China Standard Time date of an instant (when a step was recorded, as the officer saw it)."""
    return instant.astimezone(CST).date()


EARLIEST, LATEST = dt.date(1900, 1, 1), dt.date(2100, 12, 31)  # birth dates of the oldest members included


def _plausible(day: dt.date) -> dt.date:
    if not EARLIEST <= day <= LATEST:
        raise ValueError(f"must be between {EARLIEST} and {LATEST}")
    return day


# Every date a client sends: a year 1 or 9999 is no date of this system (and overflows date arithmetic).
Day = Annotated[dt.date, AfterValidator(_plausible)]


def check_step_date(
    field: str,
    day: dt.date,
    *,
    not_before: dt.date | None = None,
    after: dt.date | None = None,
    follows: str = "the step before it",
) -> dt.date:
    """A procedure date a client sends is a claim: it is checked against today in China Standard Time and
    against the date of the step it follows (`not_before`: that day or later; `after`: strictly later).
    Answers 422 naming the field; the time the step is recorded is kept beside it by the caller."""
    problem, now = None, today()
    if day > now:
        problem = f"cannot be after today ({now}, China Standard Time)"
    elif not_before is not None and day < not_before:
        problem = f"cannot be before {follows} ({not_before})"
    elif after is not None and day <= after:
        problem = f"must be after {follows} ({after})"
    if problem:
        raise ValidationFailed(
            f"{field} {problem}", errors=[{"field": field, "message": problem, "type": "value_error.date_order"}]
        )
    return day


class NoticeOver(Conflict):
    slug, title = "notice-over", "The public notice period has ended"


def check_notice_open(ends_on: dt.date, field: str) -> None:
    """An objection is judged by when it is recorded: once the notice has ended (China Standard Time) it is
    refused, whatever date it claims. `field` names the notice's end in the answer."""
    if today() > ends_on:
        raise NoticeOver(
            f"The public notice ended on {ends_on}; objections are no longer accepted", **{field: str(ends_on)}
        )
