"""What the department lists answer and what a department reports back."""

import uuid
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from common.clock import Day


class ListedMeasure(BaseModel):
    measure_id: uuid.UUID
    plan_id: uuid.UUID
    code: str
    name: str
    status: str
    status_zh: str
    due_date: Day | None


class ListedHousehold(BaseModel):
    household_id: uuid.UUID
    household_no: str
    region_code: str
    region_name: str
    object_type: str | None
    risks: list[str] = Field(description="the household's risks that concern the department")
    measures: list[ListedMeasure] = Field(description="the measures of its plan the department carries out")


class DepartmentReport(BaseModel):
    """What a department carried out for a measure: its progress, the department its evidence."""

    model_config = ConfigDict(extra="forbid")

    measure_id: uuid.UUID
    status: Literal["in_progress", "implemented", "failed"]
    description: str = Field(min_length=1, max_length=2000, examples=["医疗救助已发放"])
    amount: str | None = Field(None, pattern=r"^\d{1,10}(\.\d{1,2})?$")
    date: Day | None = None
