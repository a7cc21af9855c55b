import datetime as dt
import uuid
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field, computed_field


class Outcome(StrEnum):
    imported = "imported"
    unchanged = "unchanged"
    refused = "refused"


class ImportJobPublic(BaseModel):
    """An import's progress: `next_row` is the first row not yet applied; `done` once every row is."""

    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    file_sha256: str
    filename: str
    size: int
    state: str = Field(description="queued | running | done | failed")
    total_rows: int | None = Field(description="the file's last row (the header is row 1); null until read")
    next_row: int
    households_imported: int
    households_unchanged: int
    rows_refused: int
    failure_zh: str | None
    created_by: str
    created_at: dt.datetime
    finished_at: dt.datetime | None

    @computed_field  # type: ignore[prop-decorator]
    @property
    def progress(self) -> float:
        """The share of the file's rows applied, 0 to 1."""
        if self.state == "done":
            return 1.0
        if not self.total_rows or self.total_rows < 2:
            return 0.0
        return round(min(1.0, (self.next_row - 2) / (self.total_rows - 1)), 4)


class ImportRowPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    row: int
    household_no: str
    outcome: Outcome
    reason_zh: str | None = Field(description="why the row was refused, in Chinese")
    household_id: uuid.UUID | None
