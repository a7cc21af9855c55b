"""What the monitored-case routes answer."""

import datetime as dt
import uuid
from typing import Any

from pydantic import BaseModel


class MonitoredCasePublic(BaseModel):
    case_id: uuid.UUID
    household_id: uuid.UUID
    region_code: str
    object_type: str | None
    risks: list[dict[str, Any]]
    approved_at: dt.datetime
