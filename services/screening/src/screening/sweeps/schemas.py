"""What the sweep routes take and answer."""

import datetime as dt
import uuid
from typing import get_args

from pydantic import BaseModel, ConfigDict, Field

from common.clock import Day
from common.vocabulary import SWEEP_KIND_ZH, VISIT_RESULT_ZH
from contracts.screening import SweepKind, VisitResult


class SweepCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    region_code: str = Field(pattern=r"^(\d{6}|\d{9}|\d{12})$", description="the county, township or village swept")
    kind: SweepKind = Field(description=", ".join(f"{k}: {SWEEP_KIND_ZH[k]}" for k in get_args(SweepKind)))
    name: str = Field(min_length=1, max_length=200, examples=["2026年下半年防止返贫集中排查"])
    period_start: Day
    period_end: Day


class SweepPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    region_code: str
    region_name: str
    kind: str
    kind_zh: str
    name: str
    period_start: Day
    period_end: Day
    planned_by: str
    created_at: dt.datetime


class VisitCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    household_id: uuid.UUID
    visited_on: Day
    result: VisitResult = Field(description=", ".join(f"{k}: {VISIT_RESULT_ZH[k]}" for k in get_args(VisitResult)))
    note: str | None = Field(None, max_length=2000)


class VisitPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    sweep_id: uuid.UUID
    household_id: uuid.UUID
    region_code: str
    visited_on: Day
    result: str
    note: str | None
    visited_by: str
    recorded_at: dt.datetime


class CoverageRow(BaseModel):
    region_code: str
    region_name: str
    households: int = Field(description="registered households the sweep must look at")
    visited: int = Field(description="households looked at (each counted once)")
    share: float
    expected_share: float = Field(description="where the sweep should be by now, the period elapsing evenly")
    behind: bool
    by_result: dict[str, int] = Field(description="households by the result of their latest visit")


class Coverage(BaseModel):
    sweep: SweepPublic
    as_of: Day
    by: str = Field(description="village or township")
    rows: list[CoverageRow]
    households: int
    visited: int
    complete: bool = Field(description="应纳尽纳: every registered household of the region was looked at")
