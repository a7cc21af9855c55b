"""What the log routes answer: entries as hashed, and recorded reads of personal data."""

import datetime as dt
from typing import Any

from pydantic import BaseModel

from contracts.audit import PersonalDataAccessedV1


class EntryPublic(BaseModel):
    """An entry as the log hashes it: every field here is in the leaf's body (verify checks the copies)."""

    leaf_index: int
    source: str
    event_id: str
    topic: str
    type: str
    subject: str
    time: dt.datetime
    recorded_at: dt.datetime
    data: dict[str, Any]


class AccessRecord(PersonalDataAccessedV1):
    """A recorded read of personal data (the `audit.access.v1` event) and its place in the log."""

    leaf_index: int
