"""Procedure dates are China Standard Time dates, whatever the server's zone."""

import datetime as dt
from zoneinfo import ZoneInfo

CST = ZoneInfo("Asia/Shanghai")


def today() -> dt.date:
    return dt.datetime.now(CST).date()


def now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)
