import datetime as dt
import uuid
from decimal import Decimal
from enum import StrEnum
from typing import Annotated, Any, Literal, Self

from pydantic import BaseModel, ConfigDict, Field, model_validator

from common.access_audit import PERSONAL
from common.clock import Day
from common.messages import Invalid
from common.vocabulary import state_labels
from contracts.shared import Channel, ObjectType
from intake.households.schemas import DisabilityCategory, Money


class _Risk(BaseModel):
    model_config = ConfigDict(extra="forbid")


class IllnessRisk(_Risk):
    category: Literal["illness"]
    patient_member_id: uuid.UUID
    out_of_pocket_medical: Money = Field(description="当年医疗自付支出 (CNY)")


class SchoolingRisk(_Risk):
    category: Literal["schooling"]
    student_member_id: uuid.UUID
    out_of_pocket_schooling: Money = Field(description="当年就学自付支出 (CNY)")


class DisabilityRisk(_Risk):
    category: Literal["disability"]
    member_id: uuid.UUID
    certificate_no: str = Field(min_length=1, max_length=40)
    disability_category: DisabilityCategory
    grade_band: Literal["1-2", "3-4"]


class DisasterRisk(_Risk):
    category: Literal["natural_disaster"]
    kind: Literal["flood", "geological", "drought", "biological", "meteorological", "earthquake", "other"]
    description: str = Field(min_length=1, max_length=1000)


class AccidentRisk(_Risk):
    category: Literal["accident"]
    kind: Literal["traffic", "other"]
    description: str = Field(min_length=1, max_length=1000)


class LackOfLabourRisk(_Risk):
    category: Literal["lack_of_labour"]
    kind: Literal["no_labour", "labour_cannot_work"]
    description: str | None = Field(None, max_length=1000)


class DescribedRisk(_Risk):
    category: Literal["industry_failure", "unstable_employment", "other"]
    description: str = Field(min_length=1, max_length=1000)


class HousingRisk(_Risk):
    """新增住房不安全 (《仲恺高新区健全防止返贫动态监测和帮扶机制工作方案》(2021) 二(三))."""

    category: Literal["housing_unsafe"]
    appraisal: Literal["C", "D", "unappraised"] = Field(description="the housing safety appraisal grade")
    description: str = Field(min_length=1, max_length=1000)


class WaterRisk(_Risk):
    """新增饮水不安全: quantity, quality, access or the guarantee rate."""

    category: Literal["drinking_water_unsafe"]
    issue: Literal["quantity", "quality", "access", "guarantee_rate"]
    description: str | None = Field(None, max_length=1000)


class MicroloanRisk(_Risk):
    """小额贷款逾期: a 扶贫小额信贷 loan overdue."""

    category: Literal["microloan_overdue"]
    amount: Money = Field(description="the loan, yuan")
    overdue_days: int = Field(ge=1, le=3650)
    lender: str = Field(min_length=1, max_length=100)
    description: str | None = Field(None, max_length=1000)


class AssetRisk(_Risk):
    """扶贫资产监管不善: the poverty-alleviation asset the household's income depends on lost, idle, or its
    income not paid."""

    category: Literal["asset_mismanagement"]
    asset: str = Field(min_length=1, max_length=200, description="光伏电站、扶贫车间、养殖场……")
    issue: Literal["lost", "idle", "income_not_paid", "other"]
    description: str = Field(min_length=1, max_length=1000)


class PolicyTransitionRisk(_Risk):
    """政策衔接引发: a policy the household relied on ended or changed in the transition period."""

    category: Literal["policy_transition"]
    policy: str = Field(min_length=1, max_length=200, description="the policy that ended or changed")
    ended_on: Day | None = None
    description: str = Field(min_length=1, max_length=1000)


class AlertRisk(_Risk):
    """A risk raised by screening's department data (set by the system, not by clients)."""

    category: Literal[
        "illness",
        "schooling",
        "disability",
        "natural_disaster",
        "accident",
        "industry_failure",
        "unstable_employment",
        "lack_of_labour",
        "other",
        "housing_unsafe",
        "drinking_water_unsafe",
        "policy_transition",
        "asset_mismanagement",
        "microloan_overdue",
    ]
    source: Literal["department_alert"]
    rule: str
    grade: str
    explanation: str


Risk = Annotated[
    IllnessRisk
    | SchoolingRisk
    | DisabilityRisk
    | DisasterRisk
    | AccidentRisk
    | LackOfLabourRisk
    | DescribedRisk
    | HousingRisk
    | WaterRisk
    | MicroloanRisk
    | AssetRisk
    | PolicyTransitionRisk,
    Field(discriminator="category"),
]


class CaseCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    household_id: uuid.UUID
    channel: Literal["self_declaration", "cadre_screening", "social_supervision"] = Field(
        description="department_alert cases are opened by screening's confirmed alerts"
    )
    object_type: ObjectType | None = None
    risks: list[Risk] = Field(min_length=1, max_length=20)
    weak_motivation: bool = Field(False, description="内生动力不足: recorded for 扶志扶智 measures")
    note: str | None = Field(None, max_length=2000)
    declared_on: Day | None = Field(
        None,
        description="the day the village took the declaration, when it is entered later (China Standard Time; "
        "default today): not after today; no later step may be dated before it",
    )


class ConsentExemption(BaseModel):
    """The household's word that it is enrolled in 低保 or 特困, where its jurisdiction limits the asset query to
    households that are not (仲恺 三(二)): it still signs the 承诺授权书, but need not authorise the asset query.
    The enrolment is checked against civil affairs' feed."""

    model_config = ConfigDict(extra="forbid")

    enrolled_in: Literal["dibao", "tekun"]
    certificate_no: str = Field(min_length=1, max_length=64, pattern=r"^[0-9A-Za-z\-]+$")


class ConsentAttach(BaseModel):
    model_config = ConfigDict(extra="forbid")

    consent_id: uuid.UUID | None = Field(None, description="default: the newest valid consent with the needed scopes")
    exemption: ConsentExemption | None = Field(
        None,
        description="with the consent, where the jurisdiction's pack limits the asset query to households not in"
        " 低保/特困: the consent need not cover asset_check once civil affairs confirms the enrolment",
    )


class HouseholdSurvey(BaseModel):
    """The household survey (入户调查, 弥勒市 一(四)) and its two forms (附件3-1 返贫致贫风险户调查表, 附件3-2
    致贫返贫风险户收支测算表), kept as signed documents by their digest, with the estimate's totals."""

    model_config = ConfigDict(extra="forbid")

    surveyed_on: Day
    surveyors: list[Annotated[str, Field(min_length=1, max_length=100)]] = Field(min_length=1, max_length=10)
    survey_form_sha256: str = Field(pattern=r"^[0-9a-f]{64}$", description="返贫致贫风险户调查表, signed")
    estimate_form_sha256: str = Field(pattern=r"^[0-9a-f]{64}$", description="致贫返贫风险户收支测算表, signed")
    estimated_income: Decimal = Field(ge=0, le=100_000_000, decimal_places=2, description="yearly, the household")
    estimated_expense: Decimal = Field(ge=0, le=100_000_000, decimal_places=2, description="yearly, the household")


class VillageReview(BaseModel):
    model_config = ConfigDict(extra="forbid")

    meeting_date: Day
    participants: list[Annotated[str, Field(min_length=1, max_length=100)]] = Field(
        default_factory=list,
        max_length=20,
        description="who took part, as the jurisdiction's pack names them (its `identification.review_participants`,"
        " e.g. 弥勒市: 村小组干部, 村“三委”干部, 驻村工作队, 包村干部): every one it names must be there",
    )
    attendees: int = Field(ge=1, le=1000, description="villager representatives present")
    votes_for: int = Field(ge=0, le=1000)
    votes_against: int = Field(ge=0, le=1000)
    minutes_sha256: str = Field(pattern=r"^[0-9a-f]{64}$", description="digest of the signed minutes")

    @model_validator(mode="after")
    def _votes(self) -> Self:
        if self.votes_for + self.votes_against > self.attendees:
            raise Invalid("votes_for + votes_against exceed attendees", "赞成票与反对票之和超过到会人数")
        return self

    @property
    def passed(self) -> bool:
        return self.votes_for * 2 > self.attendees


class NoticePublish(BaseModel):
    model_config = ConfigDict(extra="forbid")

    published_on: Day = Field(description="the notice runs on the next N working days")


class ObjectionCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    summary: str = Field(min_length=1, max_length=2000)
    raised_on: Day


class ObjectionResolve(BaseModel):
    model_config = ConfigDict(extra="forbid")

    upheld: bool = Field(description="upheld sends the case back to village review")
    resolution: str = Field(min_length=1, max_length=2000)


class NoReason(StrEnum):
    risk_disappeared = "risk_disappeared"  # 风险自然消失
    stable_income_public_employee_or_legal_person = "stable_income_public_employee_or_legal_person"
    high_value_assets = "high_value_assets"  # 高价房、高价车、大额存款和资产
    legal_supporter_secures_basic_life = "legal_supporter_secures_basic_life"  # 法定赡养人能保障
    crime_or_idleness = "crime_or_idleness"  # 违法犯罪、好吃懒做


class TownshipVerification(BaseModel):
    """The township verification form (乡镇核查表)."""

    model_config = ConfigDict(extra="forbid")

    income_band: str | None = Field(
        None,
        pattern=r"^(below_\d+|\d+_\d+|above_\d+)$",
        description="the form's income band (仲恺: below_6000, 6000_9000, 9000_14000, above_14000). Derived from "
        "the household's recorded income in the bands of its pack; typed in only where no income is recorded",
        examples=["below_6000"],
    )
    object_type: ObjectType
    channels: list[Channel] = Field(min_length=1)
    risks: list[Risk] = Field(min_length=1)
    decision: Literal["yes", "no"]
    no_reasons: list[NoReason] = Field(default_factory=list)
    verified_on: Day
    village_secretary: str = Field(min_length=1, max_length=100, description="村支部书记")
    officer_name: str = Field(min_length=1, max_length=100, description="镇街干部")

    @model_validator(mode="after")
    def _reasons(self) -> Self:
        if self.decision == "no" and not self.no_reasons:
            raise Invalid(
                "a 'no' decision needs at least one reason from no_reasons", "结论为“否”时须至少选择一项否定原因"
            )
        if self.decision == "yes" and self.no_reasons:
            raise Invalid("no_reasons only go with a 'no' decision", "只有结论为“否”时才填写否定原因")
        return self


class CountyApproval(BaseModel):
    model_config = ConfigDict(extra="forbid")

    approval_no: str = Field(min_length=1, max_length=100, description="批复文号")
    approved_on: Day


class BatchApproval(CountyApproval):
    case_ids: list[uuid.UUID] = Field(min_length=1, max_length=500)


class Rejection(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason: str = Field(min_length=1, max_length=2000)


class StepPublic(BaseModel):
    seq: int
    action: str
    from_state: str | None
    to_state: str
    actor: str
    actor_role: str
    at: dt.datetime
    data: dict[str, Any]


class ObjectionPublic(BaseModel):
    id: uuid.UUID
    summary: str
    raised_on: Day
    status: str
    resolution: str | None
    filed_by: str
    resolved_by: str | None


class CaseSummary(state_labels("case", actions=True)):  # type: ignore[misc]
    id: uuid.UUID
    household_id: uuid.UUID
    region_code: str
    state: str
    channels: list[str]
    object_type: str | None
    risk_categories: list[str]
    notice_ends_on: Day | None
    allowed_actions: list[str]
    created_at: dt.datetime
    updated_at: dt.datetime


class CasePublic(CaseSummary):
    risks: list[dict[str, Any]]
    weak_motivation: bool
    consent_id: uuid.UUID | None
    declared_by: str
    notice_published_on: Day | None
    notice_calendar_assumed: bool
    rejection_reason: str | None
    steps: list[StepPublic]
    objections: list[ObjectionPublic]


class NoticeEntry(BaseModel):
    case_id: uuid.UUID
    household_no: str
    head_name: str = Field(json_schema_extra=PERSONAL)
    members_count: int
    risk_categories: list[str]
    published_on: Day
    ends_on: Day
