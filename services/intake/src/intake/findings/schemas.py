import datetime as dt
import uuid

from pydantic import BaseModel, ConfigDict, Field

from common.clock import Day


class FindingCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    found_on: Day = Field(description="the day the false information was established (查实)")
    what: str = Field(min_length=2, max_length=500, description="what was hidden or falsified, e.g. 隐瞒家庭财产")
    case_id: uuid.UUID | None = Field(None, description="the case the finding was made in, if any")


class FindingPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    household_id: uuid.UUID
    case_id: uuid.UUID | None
    found_on: Day
    what: str
    barred_until: Day | None = Field(
        description="the last day a new declaration is refused; null: the jurisdiction's documents state no bar"
    )
    policy: str = Field(description="the policy pack whose bar applies")
    recorded_by: str
    recorded_at: dt.datetime
