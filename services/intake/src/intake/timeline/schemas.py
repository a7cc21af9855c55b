"""What the timeline route answers."""

import datetime as dt
from typing import Any

from pydantic import BaseModel, Field

from common.access_audit import PERSONAL


class TimelineEntry(BaseModel):
    at: dt.datetime
    kind: str
    summary: str
    actor: str
    ref: str
    data: dict[str, Any] = Field(json_schema_extra=PERSONAL)
