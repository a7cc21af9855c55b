"""The one clock of every service: procedure dates are China Standard Time dates, whatever the server's
zone (a container in UTC would otherwise see "today" change at 08:00 Beijing time); instants are UTC."""

import datetime as dt
from zoneinfo import ZoneInfo

CST = ZoneInfo("Asia/Shanghai")


def today() -> dt.date:
    return dt.datetime.now(CST).date()


def now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def cst_date(instant: dt.datetime) -> dt.date:
    """The China Standard Time date of an instant (when a step was recorded, as the officer saw it)."""
    return instant.astimezone(CST).date()
