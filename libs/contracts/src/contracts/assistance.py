"""Events assistance publishes: a household's plan and its measures, and the risk-elimination procedure.
Intake follows both to show a household's current assistance status."""

import datetime as dt
import uuid
from typing import ClassVar, Literal

from pydantic import Field

from contracts.base import EventContract
from contracts.steps import (
    AcceptanceRecord,
    ApprovalRecord,
    MeetingRecord,
    NoticeRecord,
    ObjectionRecord,
    RejectionRecord,
    ResolutionRecord,
    StepRecord,
)

PLAN_TOPIC = "assistance.plan.v1"
ELIMINATION_TOPIC = "assistance.elimination.v1"
FOLLOW_UP_TOPIC = "assistance.follow-up.v1"
DEPARTMENT_LIST_TOPIC = "assistance.department-list.v1"

MeasureStatus = Literal["planned", "in_progress", "implemented", "failed"]


class MeasureEvidence(EventContract):
    """What shows a measure's progress (a receipt, a payment, a visit), as the township recorded it."""

    description: str
    amount: str | None = None
    date: dt.date | None = None
    document_sha256: str | None = Field(None, pattern=r"^[0-9a-f]{64}$")
    department: str | None = Field(None, description="the department that reported it carried out (its list)")
    report_id: str | None = Field(None, description="the department's own id of its report")
    by: str | None = None
    at: dt.datetime | None = None


class PlanMeasureFacts(EventContract):
    measure_id: uuid.UUID
    code: str = Field(description="catalogue code, e.g. employment")
    status: MeasureStatus
    responsible_unit: str | None
    due_date: dt.date | None
    name: str | None = Field(None, description="the catalogue's Chinese name of the measure")
    responsible_cadre: str | None = None
    start_date: dt.date | None = None
    implemented_on: dt.date | None = None
    evidence: list[MeasureEvidence] = Field(default_factory=list, description="its progress, as recorded")


class PlanEventBase(EventContract):
    topic: ClassVar[str] = PLAN_TOPIC
    plan_id: uuid.UUID
    household_id: uuid.UUID
    case_id: uuid.UUID
    region_code: str = Field(pattern=r"^\d{12}$")
    state: Literal["draft", "village_reviewed", "in_public_notice", "approved", "excluded", "closed"]
    measures: list[PlanMeasureFacts]
    excluded_reason: str | None = None
    actor: str
    # Who took the step by name, as their login names them (the token's name claim): the dossier shows the
    # officer by name and post, not by login id. None for the system and for a login without a name.
    actor_name: str | None = Field(None, max_length=100)
    occurred_at: dt.datetime
    risks: list[str] = Field(default_factory=list, description="the risk categories the plan answers")
    # The step's own record: the review's meeting, the notice, an objection (contracts.steps); the steps that
    # record nothing of their own carry an empty one.
    data: StepRecord = Field(default_factory=StepRecord, description="the step's own record")


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


class PlanVillageReviewedV1(PlanEventBase):
    """The village's democratic review of the measures (落实帮扶措施 民主评议), where the jurisdiction's pack
    has it: the measures as reviewed, and the meeting in `data`."""

    type: ClassVar[str] = "assistance.plan.village-reviewed"
    data: MeetingRecord = Field(default_factory=MeetingRecord, description="the step's own record")


class PlanNoticePublishedV1(PlanEventBase):
    """The measures' public notice (公开公示): `data` has its first and last day."""

    type: ClassVar[str] = "assistance.plan.notice-published"
    data: NoticeRecord = Field(default_factory=NoticeRecord, description="the step's own record")


class PlanObjectionFiledV1(PlanEventBase):
    """An objection to the measures' notice, with what was objected."""

    type: ClassVar[str] = "assistance.plan.objection-filed"
    data: ObjectionRecord = Field(default_factory=ObjectionRecord, description="the step's own record")


class PlanObjectionResolvedV1(PlanEventBase):
    """An objection resolved: dismissed, or upheld (the plan returns to draft, to be reviewed again)."""

    type: ClassVar[str] = "assistance.plan.objection-resolved"
    data: ResolutionRecord = Field(default_factory=ResolutionRecord, description="the step's own record")


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
    # Who took the step by name, as their login names them (the token's name claim): the dossier shows the
    # officer by name and post, not by login id. None for the system and for a login without a name.
    actor_name: str | None = Field(None, max_length=100)
    occurred_at: dt.datetime
    data: StepRecord = Field(default_factory=StepRecord, description="the step's own record (form fields)")


class EliminationVillageReviewedV1(EliminationEventBase):
    """The village review proposed the household for risk elimination (its evaluation passed)."""

    type: ClassVar[str] = "assistance.elimination.village-reviewed"
    data: MeetingRecord = Field(default_factory=MeetingRecord, description="the step's own record")


class EliminationNoticePublishedV1(EliminationEventBase):
    type: ClassVar[str] = "assistance.elimination.notice-published"
    data: NoticeRecord = Field(default_factory=NoticeRecord, description="the step's own record")


class EliminationObjectionFiledV1(EliminationEventBase):
    type: ClassVar[str] = "assistance.elimination.objection-filed"
    data: ObjectionRecord = Field(default_factory=ObjectionRecord, description="the step's own record")


class EliminationObjectionResolvedV1(EliminationEventBase):
    type: ClassVar[str] = "assistance.elimination.objection-resolved"
    data: ResolutionRecord = Field(default_factory=ResolutionRecord, description="the step's own record")


class EliminationAcceptedV1(EliminationEventBase):
    """The township accepted (the acceptance form)."""

    type: ClassVar[str] = "assistance.elimination.accepted"
    data: AcceptanceRecord = Field(default_factory=AcceptanceRecord, description="the step's own record")


class EliminationApprovedV1(EliminationEventBase):
    """The county approved: the household is marked risk-eliminated (never deleted)."""

    type: ClassVar[str] = "assistance.elimination.approved"
    data: ApprovalRecord = Field(default_factory=ApprovalRecord, description="the step's own record")


class EliminationRejectedV1(EliminationEventBase):
    type: ClassVar[str] = "assistance.elimination.rejected"
    data: RejectionRecord = Field(default_factory=RejectionRecord, description="the step's own record")


class FollowUpIncomeMonthsRecordedV1(EventContract):
    """The township recorded (or corrected) months of a household's per-capita income (帮扶台账): the income
    criterion of risk elimination reads them."""

    topic: ClassVar[str] = FOLLOW_UP_TOPIC
    type: ClassVar[str] = "assistance.follow-up.income-months-recorded"
    household_id: uuid.UUID
    region_code: str = Field(pattern=r"^\d{12}$")
    months: list[dict[str, str]] = Field(description="month (YYYY-MM) and per_capita (yuan, as text)")
    recorded_by: str
    recorded_at: dt.datetime


class FollowUpGuaranteesCheckedV1(EventContract):
    """The township checked 两不愁三保障 and drinking water: the latest check answers the second criterion."""

    topic: ClassVar[str] = FOLLOW_UP_TOPIC
    type: ClassVar[str] = "assistance.follow-up.guarantees-checked"
    check_id: uuid.UUID
    household_id: uuid.UUID
    region_code: str = Field(pattern=r"^\d{12}$")
    checked_on: dt.date
    food: bool
    clothing: bool
    compulsory_education: bool
    basic_medical: bool
    housing: bool
    drinking_water: bool
    note: str | None = None
    recorded_by: str


class DepartmentListEntryV1(EventContract):
    """A household's entry on a department's list (《仲恺高新区健全防止返贫动态监测和帮扶机制工作方案》(2021) 五(二):
    区级乡村振兴部门负责定期将……监测和帮扶信息推送区教育、民政、医疗、住房、饮水、就业、残联等部门), as its plan
    changes: the risks and measures that concern the department, or `listed: false` once it no longer does
    (the plan closed or excluded, the measure withdrawn). No identifier: a department entitled to them asks
    intake (`POST /department-lists/{department}/identifiers`)."""

    topic: ClassVar[str] = DEPARTMENT_LIST_TOPIC
    type: ClassVar[str] = "assistance.department-list.entry"
    department: str = Field(pattern=r"^[a-z-]{2,40}$")
    household_id: uuid.UUID
    household_no: str | None
    region_code: str = Field(pattern=r"^\d{12}$")
    plan_id: uuid.UUID
    plan_state: str
    listed: bool
    risks: list[str] = Field(description="the household's risk categories that concern the department")
    measures: list[PlanMeasureFacts] = Field(description="the plan's measures the department carries out")
    occurred_at: dt.datetime


FOLLOW_UP_EVENTS = (FollowUpIncomeMonthsRecordedV1, FollowUpGuaranteesCheckedV1)
PLAN_EVENTS = (
    PlanDraftedV1,
    PlanApprovedV1,
    PlanExcludedV1,
    PlanMeasureUpdatedV1,
    PlanMeasureWithdrawnV1,
    PlanVillageReviewedV1,
    PlanNoticePublishedV1,
    PlanObjectionFiledV1,
    PlanObjectionResolvedV1,
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
