"""What the household follow-up routes take and answer."""

import datetime as dt
import uuid
from decimal import Decimal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from common import clock
from common.clock import Day
from common.messages import Invalid


class MonthIncome(BaseModel):
    model_config = ConfigDict(extra="forbid")

    month: str = Field(pattern=r"^20\d{2}-(0[1-9]|1[0-2])$", examples=["2026-10"])
    per_capita: Decimal = Field(ge=0, le=1_000_000, decimal_places=2, description="per-capita disposable income")

    @field_validator("month")
    @classmethod
    def _not_future(cls, v: str) -> str:
        if dt.date.fromisoformat(v + "-01") > clock.today():
            raise Invalid("a month in the future", "月份不能晚于本月")
        return v


class MonthIncomes(BaseModel):
    model_config = ConfigDict(extra="forbid")

    months: list[MonthIncome] = Field(min_length=1, max_length=36)


class RecordedMonths(BaseModel):
    """The months recorded so far (none yet, for a household just monitored)."""

    months: list[MonthIncome]


class GuaranteeIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    checked_on: Day
    food: bool
    clothing: bool
    compulsory_education: bool
    basic_medical: bool
    housing: bool
    drinking_water: bool
    note: str | None = Field(None, max_length=2000)


class GuaranteePublic(GuaranteeIn):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    household_id: uuid.UUID
    recorded_by: str


class AssistanceStatus(BaseModel):
    household_id: uuid.UUID
    status: str = Field(description="none | plan_drafted | assisted | excluded | eliminated")
    plan_id: uuid.UUID | None
    plan_state: str | None
    eliminated_on: Day | None
    eliminations: int = Field(description="how many times the household has been marked risk-eliminated")
