"""What the archive and form routes answer."""

import datetime as dt
import uuid
from typing import Any

from pydantic import BaseModel


class ArchiveEntry(BaseModel):
    leaf_index: int
    time: dt.datetime
    type: str
    topic: str
    source: str
    event_id: str
    summary: str
    data: dict[str, Any]
    leaf_hash: str


class Archive(BaseModel):
    household_id: uuid.UUID
    region_code: str | None
    region_name: str | None
    as_of: dt.datetime
    entries: list[ArchiveEntry]


class Retention(BaseModel):
    rules: list[str]


class FormInfo(BaseModel):
    code: str
    title: str
    keyed_by: str
