"""What the log routes answer: entries as hashed, and recorded reads of personal data."""

import datetime as dt
from typing import Any

from pydantic import BaseModel, Field

from common.pagination import Page
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
    trace_id: str | None = Field(
        None, description="the trace it was written in (in the leaf; entries older than ADR 0010's update: as recorded)"
    )


class Change(BaseModel):
    """What changed, as the app shows it: the event, its subject, its label, and its (identifier-free) data."""

    leaf_index: int
    type: str
    type_zh: str
    subject: str
    region_code: str | None
    time: dt.datetime
    data: dict[str, Any]


class Changes(Page[Change]):
    """A page of the feed (`next_cursor`: more follow at once) and, since a feed has no end, where to resume
    later (`resume_cursor`, given also when nothing changed)."""

    resume_cursor: str = Field(description="send it back as `cursor` on the next poll")


class AccessRecord(PersonalDataAccessedV1):
    """A recorded read of personal data (the `audit.access.v1` event) and its place in the log."""

    leaf_index: int
