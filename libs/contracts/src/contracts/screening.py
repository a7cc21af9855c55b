"""Events screening publishes that other services consume."""

import datetime as dt
import uuid
from decimal import Decimal
from typing import ClassVar, Literal

from pydantic import Field

from contracts.base import EventContract
from contracts.policy import Jurisdiction, PackValues
from contracts.shared import Grade, RiskCategory

ALERT_TOPIC = "screening.alert.v1"
POLICY_TOPIC = "screening.policy.v1"
ASSET_CHECK_TOPIC = "screening.asset-check-request.v1"
REGIONAL_RISK_TOPIC = "screening.regional-risk.v1"
SWEEP_TOPIC = "screening.sweep.v1"

# The kinds of screening sweep the documents ask for: 中农组发〔2021〕7号 (at least one concentrated
# screening a year, 集中排查), 《仲恺高新区健全防止返贫动态监测和帮扶机制工作方案》(2021) (a half-yearly 回头看 of
# every household ever registered), 宁开办发〔2020〕8号 (monthly rounds by village leaders or grid members).
SweepKind = Literal["concentrated", "look_back", "monthly_round"]
VisitResult = Literal["no_change", "declared_risk", "refused", "not_at_home"]


class AlertFinding(EventContract):
    rule: str = Field(description="stable rule code, e.g. income_below_line")
    category: RiskCategory
    grade: Grade
    explanation: str = Field(description="why it fired: the records and thresholds that triggered it")
    explanation_zh: str = Field("", description="the same in Chinese, as the cadres read it")
    evidence: list[str] = Field(default_factory=list, description="department record references")


class AlertConfirmedV1(EventContract):
    """A department-data alert was verified at the grassroots and confirmed: intake opens (or joins) a case."""

    topic: ClassVar[str] = ALERT_TOPIC
    type: ClassVar[str] = "screening.alert.confirmed"
    alert_id: uuid.UUID
    household_id: uuid.UUID
    region_code: str = Field(pattern=r"^\d{12}$")
    grade: Grade
    findings: list[AlertFinding] = Field(min_length=1)
    confirmed_by: str
    confirmed_at: dt.datetime


class PolicyRule(EventContract):
    enabled: bool
    grade: Grade


class PolicyPublishedV1(EventContract):
    """A version of a jurisdiction's monitoring policy for a year was published (never edited afterwards)."""

    topic: ClassVar[str] = POLICY_TOPIC
    type: ClassVar[str] = "screening.policy.published"
    policy_id: uuid.UUID
    region_prefix: str
    year: int
    version: int
    effective_from: dt.date
    name: str
    monitoring_line: Decimal
    rigid_expense_ratio: Decimal
    income_drop_ratio: Decimal
    medical_oop_threshold: Decimal
    medical_oop_income_share: Decimal
    rules: dict[str, PolicyRule]
    published_by: str


class PolicyPackPublishedV1(EventContract):
    """A version of a jurisdiction's policy pack for a year was published (never edited afterwards): the whole
    of what it decides, and where each value comes from. Supersedes `screening.policy.published`, which could
    not say that a document states no line."""

    topic: ClassVar[str] = POLICY_TOPIC
    type: ClassVar[str] = "screening.policy.pack-published"
    policy_id: uuid.UUID
    jurisdiction: Jurisdiction
    prefixes: list[str] = Field(description='the region prefixes governed; the national pack\'s is [""]')
    year: int
    valid_through: int | None = None
    version: int
    effective_from: dt.date
    name: str
    source: str
    pack: PackValues
    sources: dict[str, str] = Field(description="every value path with its source, or that it is a local default")
    published_by: str


class AssetCheckRequestedV1(EventContract):
    """Screening asks civil affairs for a family economic-status check, under the household's valid asset_check
    consent. Identities are not in the event: the civil-affairs adapter reads the household's members through
    intake's audited disclosure API, and answers with `dept.civil-affairs.v1` economic_check_result records
    carrying request_id."""

    topic: ClassVar[str] = ASSET_CHECK_TOPIC
    type: ClassVar[str] = "screening.asset-check.requested"
    request_id: uuid.UUID
    household_id: uuid.UUID
    region_code: str
    consent_id: uuid.UUID
    requested_at: dt.datetime


class AssetCheckCancelledV1(EventContract):
    """A pending check is cancelled (the consent was revoked or expired): it must not be carried out."""

    topic: ClassVar[str] = ASSET_CHECK_TOPIC
    type: ClassVar[str] = "screening.asset-check.cancelled"
    request_id: uuid.UUID
    household_id: uuid.UUID
    region_code: str
    reason: str
    cancelled_at: dt.datetime


class RegionalRiskRaisedV1(EventContract):
    """A township or county shows a scale-level risk (防止规模性返贫): alerts rising far above its own baseline,
    or a monitored share far from the guidance (about 5% of households, at most 10%). The county is warned."""

    topic: ClassVar[str] = REGIONAL_RISK_TOPIC
    type: ClassVar[str] = "screening.regional-risk.raised"
    risk_id: uuid.UUID
    region_code: str = Field(pattern=r"^(\d{6}|\d{9})$")
    kind: Literal[
        "alert_spike",
        "monitored_share_high",
        "monitored_share_low",
        "disaster_cluster",
        "unemployment_rise",
        "price_fall",
        "project_failure",
        "asset_loss",
    ]
    window_start: dt.date
    window_end: dt.date
    figures: dict[str, float]
    explanation: str


class SweepPlannedV1(EventContract):
    """A screening sweep was planned for a jurisdiction's households and a period."""

    topic: ClassVar[str] = SWEEP_TOPIC
    type: ClassVar[str] = "screening.sweep.planned"
    sweep_id: uuid.UUID
    region_code: str = Field(pattern=r"^(\d{6}|\d{9}|\d{12})$", description="the county, township or village swept")
    kind: SweepKind
    name: str
    period_start: dt.date
    period_end: dt.date
    planned_by: str


class SweepVisitRecordedV1(EventContract):
    """A cadre looked at a household in a sweep, and what came of it."""

    topic: ClassVar[str] = SWEEP_TOPIC
    type: ClassVar[str] = "screening.sweep.visit-recorded"
    sweep_id: uuid.UUID
    visit_id: uuid.UUID
    household_id: uuid.UUID
    region_code: str = Field(pattern=r"^\d{12}$")
    visited_on: dt.date
    result: VisitResult
    note: str | None = None
    visited_by: str
    recorded_at: dt.datetime


SWEEP_EVENTS = (SweepPlannedV1, SweepVisitRecordedV1)
