"""A procedure step carries two dates: the one its officer states (the meeting, the notice, the signature)
and the one the system recorded it on. Paperwork and archives show the stated date, and the recorded date
beside it wherever the two differ, so a step entered weeks after the fact is visible as such."""

import datetime as dt
from typing import Any

from common.clock import beijing_date, cst_date, official

STEP_DATES = ("meeting_date", "published_on", "raised_on", "verified_on", "approved_on", "accepted_on")
BLANK = "________"
# A box a person signs or seals by hand: empty, never a typed name or "已签" (the renderer leaves it room).
SIGN = ""


def recorded_on(event: dict[str, Any]) -> dt.date | None:
    """The China Standard Time date a step was recorded: its event's `occurred_at`."""
    at = event.get("occurred_at")
    return cst_date(dt.datetime.fromisoformat(at)) if isinstance(at, str) else None


def shown(stated: Any, recorded: dt.date | None) -> str:
    """The stated date as official documents print it, and the recorded one beside it where they differ."""
    if not stated:
        return BLANK
    try:
        day = beijing_date(stated)
    except (TypeError, ValueError):
        return BLANK
    if recorded is not None and day != recorded:
        return f"{official(day)}（系统录入 {official(recorded)}）"
    return official(day)


def step_date(event: dict[str, Any]) -> str | None:
    """The stated date of a step event, shown with its recorded date where they differ."""
    data = event.get("data")
    if not isinstance(data, dict):
        return None
    for key in STEP_DATES:
        if data.get(key):
            return shown(data[key], recorded_on(event))
    return None
