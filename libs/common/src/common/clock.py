"""The one clock of every service: instants are UTC, procedure dates are China Standard Time dates."""

import datetime as dt
import re
from decimal import Decimal
from typing import Annotated
from zoneinfo import ZoneInfo

from pydantic import AfterValidator, BeforeValidator

from common.errors import Conflict, ValidationFailed
from common.messages import Invalid

CST = ZoneInfo("Asia/Shanghai")

# Moved only by `devkit.testing.fixtures` (`travel`, `on_day`): a test fixes its scenario's instant, or walks a
# procedure through a notice period that a real run would wait out. The clock keeps ticking from there, so
# instants recorded one after another stay in order. Nothing in the services sets it.
_offset = dt.timedelta(0)


def now() -> dt.datetime:
    """The instant, in UTC: when a step, a read or a message is recorded. The one reader of the wall clock in
    the services (a guard test holds every other module to it); durations use `time.monotonic`."""
    return dt.datetime.now(dt.UTC) + _offset


def timestamp() -> float:
    """`now()` as seconds since the epoch (token expiry, caches that expire)."""
    return now().timestamp()


def today() -> dt.date:
    """Today in China Standard Time, whatever the server's zone: a container in UTC would otherwise see the date
    change at 08:00 Beijing time."""
    return cst_date(now())


def cst_date(instant: dt.datetime) -> dt.date:
    """The China Standard Time date of an instant (when a step was recorded, as the officer saw it)."""
    return instant.astimezone(CST).date()


def beijing_date(value: dt.date | dt.datetime | str) -> dt.date:
    """The Beijing date of a date, an instant, or either written in ISO 8601 (an instant without an offset is
    UTC, as every instant the services record): what a form prints for the thing it records."""
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value) if len(value) > 10 else dt.date.fromisoformat(value)
    if isinstance(value, dt.datetime):
        return cst_date(value if value.tzinfo else value.replace(tzinfo=dt.UTC))
    return value


def official(day: dt.date) -> str:
    """A date as official documents print it: 2026年9月20日, no leading zeros."""
    return f"{day.year}年{day.month}月{day.day}日"


def official_time(instant: dt.datetime) -> str:
    """An instant as a printed page states it, in Beijing time: 2026年9月20日 09:05."""
    local = instant.astimezone(CST)
    return f"{official(local.date())} {local:%H:%M}"


EARLIEST, LATEST = dt.date(1900, 1, 1), dt.date(2100, 12, 31)  # birth dates of the oldest members included


def _plausible(day: dt.date) -> dt.date:
    if not EARLIEST <= day <= LATEST:
        raise Invalid(f"must be between {EARLIEST} and {LATEST}", f"日期应在 {EARLIEST} 至 {LATEST} 之间")
    return day


_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def _written_as_a_date(value: object) -> object:
    """A date arrives as a calendar date (ISO 8601 YYYY-MM-DD), never as a number: pydantic would read `0` or
    "0" as seconds since 1970 and answer 1970-01-01 for it."""
    if isinstance(value, str) and not _ISO_DATE.fullmatch(value):
        raise Invalid("must be a date written YYYY-MM-DD", "日期应写作 年-月-日（如 2026-11-27）")
    if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
        raise Invalid("must be a date written YYYY-MM-DD, not a number", "日期应写作 年-月-日，不能是数字")
    return value


# Every date a client sends: a year 1 or 9999 is no date of this system (and overflows date arithmetic), and a
# number is no date at all.
Day = Annotated[dt.date, BeforeValidator(_written_as_a_date), AfterValidator(_plausible)]


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
    problem, zh, now = None, "", today()
    if day > now:
        problem, zh = f"cannot be after today ({now}, China Standard Time)", f"不能晚于今天（北京时间{now}）"
    elif not_before is not None and day < not_before:
        problem, zh = f"cannot be before {follows} ({not_before})", f"不能早于前一环节的日期（{not_before}）"
    elif after is not None and day <= after:
        problem, zh = f"must be after {follows} ({after})", f"应晚于前一环节的日期（{after}）"
    if problem:
        error = {"field": field, "message": problem, "type": "value_error.date_order", "message_zh": zh}
        raise ValidationFailed(f"{field} {problem}", zh=f"{field}：{zh}", errors=[error])
    return day


class NoticeOver(Conflict):
    slug, title = "notice-over", "The public notice period has ended"
    title_zh = "公示期已结束"


def check_notice_open(ends_on: dt.date, field: str) -> None:
    """An objection is judged by when it is recorded: once the notice has ended (China Standard Time) it is
    refused, whatever date it claims. `field` names the notice's end in the answer."""
    if today() > ends_on:
        raise NoticeOver(
            f"The public notice ended on {ends_on}; objections are no longer accepted",
            zh=f"公示已于{ends_on}结束，不再受理异议",
            **{field: str(ends_on)},
        )
