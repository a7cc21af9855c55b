"""Events assistance publishes: a household's plan and its measures, and the risk-elimination procedure.
Intake follows both to show a household's current assistance status."""

import datetime as dt
import uuid
from typing import Any, ClassVar, Literal

from pydantic import Field

from contracts.base import EventContract

PLAN_TOPIC = "assistance.plan.v1"
ELIMINATION_TOPIC = "assistance.elimination.v1"

MeasureStatus = Literal["planned", "in_progress", "implemented", "failed"]


class PlanMeasureFacts(EventContract):
    measure_id: uuid.UUID
    code: str = Field(description="catalogue code, e.g. employment")
    status: MeasureStatus
    responsible_unit: str | None
    due_date: dt.date | None


class PlanEventBase(EventContract):
    topic: ClassVar[str] = PLAN_TOPIC
    plan_id: uuid.UUID
    household_id: uuid.UUID
    case_id: uuid.UUID
    region_code: str = Field(pattern=r"^\d{12}$")
    state: Literal["draft", "approved", "excluded", "closed"]
    measures: list[PlanMeasureFacts]
    excluded_reason: str | None = None
    actor: str
    occurred_at: dt.datetime


class PlanDraftedV1(PlanEventBase):
    """A monitored household got a draft plan with recommended measures."""

    type: ClassVar[str] = "assistance.plan.drafted"


class PlanApprovedV1(PlanEventBase):
    """Officers approved the plan: its measures are under way."""

    type: ClassVar[str] = "assistance.plan.approved"


class PlanExcludedV1(PlanEventBase):
    """The case falls under a not-assisted rule (宁开办发〔2020〕8号): no plan, with the reason."""

    type: ClassVar[str] = "assistance.plan.excluded"


class PlanMeasureUpdatedV1(PlanEventBase):
    """A measure's status or evidence changed."""

    type: ClassVar[str] = "assistance.plan.measure-updated"


class PlanMeasureWithdrawnV1(PlanEventBase):
    """Measures were taken out of a draft plan (not followed, redrafted, or the plan excluded). Nothing is
    deleted: the measures stay on record with who withdrew them and why."""

    type: ClassVar[str] = "assistance.plan.measure-withdrawn"
    withdrawn: list[PlanMeasureFacts]
    reason: str


class PlanClosedV1(PlanEventBase):
    """The household's risk was eliminated: the plan is closed."""

    type: ClassVar[str] = "assistance.plan.closed"


class EliminationEventBase(EventContract):
    topic: ClassVar[str] = ELIMINATION_TOPIC
    elimination_id: uuid.UUID
    household_id: uuid.UUID
    plan_id: uuid.UUID
    region_code: str = Field(pattern=r"^\d{12}$")
    state: str
    previous_state: str | None
    actor: str
    actor_role: str
    occurred_at: dt.datetime
    data: dict[str, Any] = Field(default_factory=dict, description="the step's own record (form fields)")


class EliminationVillageReviewedV1(EliminationEventBase):
    """The village review proposed the household for risk elimination (its evaluation passed)."""

    type: ClassVar[str] = "assistance.elimination.village-reviewed"


class EliminationNoticePublishedV1(EliminationEventBase):
    type: ClassVar[str] = "assistance.elimination.notice-published"


class EliminationObjectionFiledV1(EliminationEventBase):
    type: ClassVar[str] = "assistance.elimination.objection-filed"


class EliminationObjectionResolvedV1(EliminationEventBase):
    type: ClassVar[str] = "assistance.elimination.objection-resolved"


class EliminationAcceptedV1(EliminationEventBase):
    """The township accepted (the acceptance form)."""

    type: ClassVar[str] = "assistance.elimination.accepted"


class EliminationApprovedV1(EliminationEventBase):
    """The county approved: the household is marked risk-eliminated (never deleted)."""

    type: ClassVar[str] = "assistance.elimination.approved"


class EliminationRejectedV1(EliminationEventBase):
    type: ClassVar[str] = "assistance.elimination.rejected"


PLAN_EVENTS = (
    PlanDraftedV1,
    PlanApprovedV1,
    PlanExcludedV1,
    PlanMeasureUpdatedV1,
    PlanMeasureWithdrawnV1,
    PlanClosedV1,
)
ELIMINATION_EVENTS = (
    EliminationVillageReviewedV1,
    EliminationNoticePublishedV1,
    EliminationObjectionFiledV1,
    EliminationObjectionResolvedV1,
    EliminationAcceptedV1,
    EliminationApprovedV1,
    EliminationRejectedV1,
)
