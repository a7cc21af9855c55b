import datetime as dt
import uuid
from decimal import Decimal
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, computed_field, model_validator

from assistance.elimination.schemas import ObjectionFields
from common.clock import Day
from common.concurrency import etag_of
from common.messages import Invalid
from common.vocabulary import state_labels
from contracts.shared import RiskCategory

Sha256 = str


class MeasurePublic(state_labels("measure", field="status")):  # type: ignore[misc]
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    code: str
    reason: str
    risks: list[str]
    recommended: bool
    responsible_unit: str | None
    responsible_cadre: str | None
    start_date: Day | None
    due_date: Day | None
    status: str
    evidence: list[dict[str, Any]]
    implemented_on: Day | None
    withdrawn_at: dt.datetime | None = None
    withdrawn_by: str | None = None
    withdrawn_reason: str | None = None

    def version_token(self) -> tuple[object, ...]:
        """What a change of the measure changes: its ETag is a hash of it (two cadres reporting on one
        measure cannot overwrite each other unseen)."""
        return (
            self.status,
            self.responsible_unit,
            self.responsible_cadre,
            self.start_date,
            self.due_date,
            len(self.evidence),
            self.withdrawn_at,
        )

    @computed_field(description="the measure's version: send it as If-Match when changing the measure")  # type: ignore[prop-decorator]
    @property
    def etag(self) -> str:
        return etag_of(self.version_token())


class PlanPublic(state_labels("plan")):  # type: ignore[misc]
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    case_id: uuid.UUID
    household_id: uuid.UUID
    region_code: str
    state: str
    risks: list[str]
    labour: str
    weak_motivation: bool
    excluded_reason: str | None
    excluded_note: str | None
    not_assisted: list[dict[str, Any]] = Field(description="not-assisted findings: what each took out of the plan")
    review: dict[str, Any] | None = Field(None, description="the village's review of the measures, where held")
    reviewed_by: str | None = None
    notice_published_on: Day | None = None
    notice_until: Day | None = Field(None, description="the last day of the measures' public notice")
    notice_until_assumed: bool = Field(False, description="the holiday calendar of that year was not published")
    approved_by: str | None
    approved_at: dt.datetime | None
    closed_at: dt.datetime | None
    created_at: dt.datetime
    updated_at: dt.datetime


class MeasuresReview(BaseModel):
    """The villager representatives' meeting that reviews the drafted measures (落实帮扶措施 民主评议)."""

    model_config = ConfigDict(extra="forbid")

    meeting_date: Day
    representatives_present: int = Field(ge=1, le=1000)
    votes_for: int = Field(ge=0, le=1000, description="passed by more than half of those present")
    note: str | None = Field(None, max_length=2000)

    @model_validator(mode="after")
    def _votes(self) -> "MeasuresReview":
        if self.votes_for > self.representatives_present:
            raise Invalid("votes_for cannot exceed representatives_present", "赞成票数不能超过到会代表人数")
        return self


class PlanObjectionPublic(ObjectionFields):
    plan_id: uuid.UUID
    resolved_on: Day | None


class PlanDetail(PlanPublic):
    measures: list[MeasurePublic]
    withdrawn_measures: list[MeasurePublic] = Field(
        default_factory=list, description="measures taken out of the draft, kept with who and why"
    )


class Assignment(BaseModel):
    """Who carries a measure out, and when (结对帮扶干部 is the responsible cadre)."""

    model_config = ConfigDict(extra="forbid")

    responsible_unit: str | None = Field(None, min_length=1, max_length=200)
    responsible_cadre: str | None = Field(None, min_length=1, max_length=200)
    start_date: Day | None = None
    due_date: Day | None = None


class MeasureAdd(Assignment):
    code: str = Field(min_length=1, max_length=60, examples=["employment"])
    reason: str = Field(min_length=1, max_length=2000, description="why the household needs it")
    risks: list[RiskCategory] = Field(default_factory=list, description="the risks it answers")
    stacking_reason: str | None = Field(
        None,
        min_length=1,
        max_length=2000,
        description="where the pack says one risk, one measure: why a risk that has a measure needs another",
    )


class Evidence(BaseModel):
    model_config = ConfigDict(extra="forbid")

    description: str = Field(min_length=1, max_length=2000)
    amount: Decimal | None = Field(None, ge=0, le=10_000_000, decimal_places=2)
    date: Day | None = None
    document_sha256: Sha256 | None = Field(None, pattern=r"^[0-9a-f]{64}$")


class Progress(BaseModel):
    model_config = ConfigDict(extra="forbid")

    status: Literal["planned", "in_progress", "implemented", "failed"]
    evidence: list[Evidence] = Field(default_factory=list, max_length=50)


class Exclusion(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason: str = Field(
        pattern=r"^[a-z_]{2,40}$",
        description="an item of the not-assisted list of the jurisdiction's pack that excludes the household",
    )
    note: str = Field(min_length=1, max_length=2000, description="the facts found")


class NotAssistedFinding(BaseModel):
    """A not-assisted finding (不予帮扶, 宁开办发〔2020〕8号 五(八)): what it excludes is the pack's."""

    model_config = ConfigDict(extra="forbid")

    code: str = Field(pattern=r"^[a-z_]{2,40}$", description="an item of the pack's `not_assisted` list")
    note: str = Field(min_length=1, max_length=2000, description="the facts found")
    measure_ids: list[uuid.UUID] = Field(default_factory=list, max_length=20, description="the measures it excludes")
    amount: Decimal | None = Field(None, ge=0, le=10_000_000, decimal_places=2, description="the expense excluded")
    year: int | None = Field(None, ge=2015, le=2100, description="the year of the expense")


class OverdueMeasure(MeasurePublic):
    plan_id: uuid.UUID
    household_id: uuid.UUID
    region_code: str
    working_days_overdue: int


class Withdrawal(BaseModel):
    """Why a measure is taken out of a draft plan; the measure stays on record."""

    model_config = ConfigDict(extra="forbid")

    reason: str = Field(min_length=2, max_length=500, examples=["与低保重复，不叠加（防止福利依赖）"])
