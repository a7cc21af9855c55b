"""What the archive and form routes answer."""

import datetime as dt
import uuid
from typing import Any

from pydantic import BaseModel, Field

from ledger.checkpoints.schemas import CheckpointPublic


class ArchiveEntry(BaseModel):
    leaf_index: int
    time: dt.datetime
    type: str
    type_zh: str = Field(description="the event as its readers name it (建档登记, 村级公示, ...)")
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
    reads: list[str] = Field(default_factory=list, description="the event types the form is drawn from")
    filed_here: bool | None = Field(None, description="with `region`: whether its jurisdiction's pack lists the form")


class EntryProof(BaseModel):
    leaf_index: int
    type: str
    body: str = Field(description="base64 of the entry's canonical bytes: SHA-256(0x00 || body) is its leaf hash")
    leaf_hash: str = Field(description="base64 SHA-256 leaf hash, as the dossier's appendix lists it")
    audit_path: list[str] = Field(description="base64 hashes from the leaf to the root (RFC 9162 §2.1.3.2)")


class ArchiveProofs(BaseModel):
    """The dossier's proofs, for a program: every entry it is drawn from, proven included in one signed tree."""

    household_id: uuid.UUID
    as_of: dt.datetime
    digest: str = Field(description="hex SHA-256 over the entries' leaf hashes in the log's order (the PDF prints it)")
    checkpoint: CheckpointPublic
    entries: list[EntryProof]
