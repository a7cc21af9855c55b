"""What the department feed routes answer."""

import datetime as dt
import uuid

from pydantic import BaseModel, Field

from common.clock import Day
from screening.feeds.models import Upload

SHOWN = 1000  # outcomes in an upload's own answer; the rest page at /feeds/uploads/{id}/rows


class IngestResult(BaseModel):
    row: int | None = None
    record_id: str | None = None
    outcome: str
    reason: str | None = Field(None, description="why the row was rejected, in the language asked for")
    reason_en: str | None = Field(None, description="with Accept-Language: zh-CN, the reason in English")
    reason_zh: str | None = Field(None, exclude=True)  # kept beside the English; answered by `worded`
    warnings: list[str] = Field(
        default_factory=list,
        description="what a record of this year meets: counties judged without a monitoring policy of the year "
        "(in the language asked for)",
    )


class UploadPublic(BaseModel):
    id: uuid.UUID
    department: str
    status: str
    rows: int
    accepted: int
    duplicate: int
    rejected: int
    started_at: dt.datetime
    updated_at: dt.datetime
    kind: str | None = None
    encoding: str | None = Field(None, description="the text encoding the file was read in")
    failure: str | None = Field(None, description="why a failed upload stopped, in the language asked for")
    failure_en: str | None = Field(None, description="with Accept-Language: zh-CN, the failure in English")


class UploadResult(BaseModel):
    upload: UploadPublic
    results: list[IngestResult] = Field(description=f"the first {SHOWN:,} rows' outcomes")
    more_results: bool = Field(description="more rows than shown: page them at GET /feeds/uploads/{id}/rows")


class UnmatchedRecord(BaseModel):
    department: str
    record_id: str
    revision: int
    event_date: Day
    resident_id_masked: str
    received_at: dt.datetime


def worded(result: IngestResult, chinese: bool) -> IngestResult:
    """A row's outcome with its reason in the language asked for (the English beside the Chinese)."""
    if chinese and result.reason_zh:
        return result.model_copy(update={"reason": result.reason_zh, "reason_en": result.reason})
    return result


def public(upload: Upload, chinese: bool) -> UploadPublic:
    public = UploadPublic.model_validate(upload, from_attributes=True)
    if chinese and upload.failure_zh:
        return public.model_copy(update={"failure": upload.failure_zh, "failure_en": upload.failure})
    return public
