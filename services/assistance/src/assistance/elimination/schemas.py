"""What the elimination routes take and answer."""

import datetime as dt
import uuid
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from common.clock import Day
from common.vocabulary import state_labels


class CriterionPublic(BaseModel):
    code: str
    name_zh: str = Field(description="the criterion as the acceptance form names it")
    met: bool
    explanation: str
    explanation_zh: str = Field(description="the explanation in Chinese, for the officers")
    evidence: list[str]


class EvaluationPublic(BaseModel):
    household_id: uuid.UUID
    plan_id: uuid.UUID
    evaluated_on: Day
    eligible: bool
    stays_monitored: bool = Field(description="no labour capacity with the floor in place: never proposed")
    reason: str
    reason_zh: str
    criteria: list[CriterionPublic]


class EliminationPublic(state_labels("elimination")):  # type: ignore[misc]
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    plan_id: uuid.UUID
    household_id: uuid.UUID
    region_code: str
    state: str
    evaluation: dict[str, Any]
    review: dict[str, Any]
    notice_published_on: Day | None
    notice_until: Day | None
    notice_until_assumed: bool
    acceptance: dict[str, Any] | None
    accepted_by: str | None
    approval_no: str | None
    approved_by: str | None
    approved_on: Day | None
    rejected_reason: str | None
    reviewed_by: str
    created_at: dt.datetime
    updated_at: dt.datetime


class VillageReview(BaseModel):
    """The villager representatives' meeting that proposes the household (村级民主评议)."""

    model_config = ConfigDict(extra="forbid")

    household_id: uuid.UUID
    meeting_date: Day
    representatives_present: int = Field(ge=1, le=1000)
    votes_for: int = Field(ge=0, le=1000)
    note: str | None = Field(None, max_length=2000)


class Notice(BaseModel):
    model_config = ConfigDict(extra="forbid")

    published_on: Day


class ObjectionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    text: str = Field(min_length=1, max_length=4000)


class ObjectionFields(BaseModel):
    """An objection to a public notice as answered (of a risk elimination, of a plan's measures)."""

    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    text: str
    filed_by: str
    filed_at: dt.datetime
    resolution: str | None
    resolution_note: str | None
    resolved_by: str | None


class ObjectionPublic(ObjectionFields):
    elimination_id: uuid.UUID


class Resolution(BaseModel):
    model_config = ConfigDict(extra="forbid")

    upheld: bool
    note: str = Field(min_length=1, max_length=2000)


class Acceptance(BaseModel):
    """The township acceptance form's signatures and date; its data fields are filled from the records."""

    model_config = ConfigDict(extra="forbid")

    accepted_on: Day
    head_signed: bool = Field(description="户主签字: agrees to be marked risk-eliminated")
    village_secretary: str = Field(min_length=1, max_length=100)
    officer_name: str = Field(min_length=1, max_length=100, description="镇街干部")
    monitor_contact: str = Field(min_length=1, max_length=100, description="监测联系人")


class Approval(BaseModel):
    model_config = ConfigDict(extra="forbid")

    approval_no: str = Field(min_length=1, max_length=100, description="批复文号")
    approved_on: Day


class BatchApproval(Approval):
    elimination_ids: list[uuid.UUID] = Field(min_length=1, max_length=500)
