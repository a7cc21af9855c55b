"""What a procedure's step records: one model per kind of step, the form's fields as the officer gave them
and what the service added (the policy it applied, the deadlines it computed). A step's event carries its
record in `data`; the event type says which record it is (the union is discriminated by the event).

Every field is optional: `data` was a free object in the first contracts, and the ledger holds events of
every version, so an old entry must still parse (the contract test refuses a newly required field). What a
record declares is all it may carry: a field a producer renames is refused on the bus, and a field the
ledger reads that a record does not declare fails the type check and the ledger's guard test."""

import datetime as dt
import uuid
from decimal import Decimal
from typing import Literal

from pydantic import ConfigDict, Field

from contracts.base import EventContract
from contracts.shared import Channel, ObjectType, RiskCategory

Digest = str  # hex SHA-256 of a signed document


class StepRecord(EventContract):
    """A step that records nothing of its own (the event's fields say it all)."""


class StepRisk(EventContract):
    """A risk as the township registered it on its form: the category and its own details (which member,
    the out-of-pocket cost, the appraisal grade, ...), which differ by category."""

    model_config = ConfigDict(extra="allow", frozen=True)
    category: RiskCategory


class Policied(StepRecord):
    policy: str | None = Field(None, description="the policy pack applied (policy:<jurisdiction>:<year>:v<n>)")


# Identification (intake.case.v1)


class DeclarationRecord(StepRecord):
    channel: Channel | None = None
    note: str | None = None
    declared_on: dt.date | None = Field(None, description="the day the village took it, when entered later")
    alert_id: uuid.UUID | None = Field(None, description="the confirmed alert that opened the case")


class JoinRecord(StepRecord):
    alert_id: uuid.UUID | None = Field(None, description="the confirmed alert that joined the case")


class ConsentRecord(Policied):
    consent_id: uuid.UUID | None = None
    exempt: bool | None = Field(
        None, description="older records only: once read as exempt from the authorisation; every household signs"
    )
    asset_query: bool | None = Field(
        None, description="the consent authorises the asset query (not asked of 低保/特困 where the pack says so)"
    )
    enrolled_in: Literal["dibao", "tekun"] | None = None
    certificate_no: str | None = None
    enrolled_since: dt.date | None = Field(None, description="the enrolment's date in civil affairs' feed")


class SurveyRecord(Policied):
    """入户调查: who surveyed, when, the signed forms' digests and the estimate."""

    surveyed_on: dt.date | None = None
    surveyors: list[str] = Field(default_factory=list)
    survey_form_sha256: Digest | None = None
    estimate_form_sha256: Digest | None = None
    estimated_income: Decimal | None = None
    estimated_expense: Decimal | None = None
    forms: list[str] = Field(default_factory=list, description="the survey forms the pack names")


class CaseReviewRecord(Policied):
    """The villager representatives' meeting (村级民主评议)."""

    meeting_date: dt.date | None = None
    participants: list[str] = Field(default_factory=list)
    attendees: int | None = None
    votes_for: int | None = None
    votes_against: int | None = None
    minutes_sha256: Digest | None = None
    passed: bool | None = None
    review_body: str | None = None
    reason: str | None = None


class CaseNoticeRecord(Policied):
    published_on: dt.date | None = None
    ends_on: dt.date | None = None
    working_days: int | None = None
    calendar_assumed: bool | None = None


class CaseObjectionRecord(StepRecord):
    objection_id: uuid.UUID | None = None
    raised_on: dt.date | None = None
    objection: str | None = None


class CaseResolutionRecord(StepRecord):
    objection_id: uuid.UUID | None = None
    upheld: bool | None = None
    resolution: str | None = None


class VerificationRecord(StepRecord):
    """The township verification form (乡镇核查表), with the income the service read for it."""

    income_band: str | None = None
    per_capita_income: Decimal | None = None
    income_year: int | None = None
    income_source: str | None = None
    object_type: ObjectType | None = None
    channels: list[Channel] = Field(default_factory=list)
    risks: list[StepRisk] = Field(default_factory=list)
    decision: Literal["yes", "no"] | None = None
    no_reasons: list[str] = Field(default_factory=list)
    verified_on: dt.date | None = None
    village_secretary: str | None = None
    officer_name: str | None = None
    recheck_due: dt.date | None = None
    recheck_late: bool | None = None
    recheck_working_days: int | None = None


class ApprovalRecord(StepRecord):
    """A county's approval (审定批复): its number and date; an elimination's also what its list shows."""

    approval_no: str | None = None
    approved_on: dt.date | None = None
    risks: list[str] = Field(default_factory=list)
    measure_names: list[str] = Field(default_factory=list)


class RejectionRecord(StepRecord):
    reason: str | None = None


# Assistance: the measures' review and notice (assistance.plan.v1), the elimination (assistance.elimination.v1)


class MeetingRecord(Policied):
    """A village meeting on the measures or on the elimination (民主评议)."""

    meeting_date: dt.date | None = None
    representatives_present: int | None = None
    votes_for: int | None = None
    note: str | None = None
    passed: bool | None = None


class NoticeRecord(Policied):
    """A notice's first and last day, and what it lists."""

    published_on: dt.date | None = None
    until: dt.date | None = None
    working_days: int | None = None
    calendar_assumed: bool | None = None
    risks: list[str] = Field(default_factory=list)
    measure_names: list[str] = Field(default_factory=list)


class ObjectionRecord(StepRecord):
    objection_id: uuid.UUID | None = None
    objection: str | None = None


class ResolutionRecord(StepRecord):
    objection_id: uuid.UUID | None = None
    resolution: Literal["upheld", "dismissed"] | None = None
    note: str | None = None


class AcceptanceRecord(StepRecord):
    """The township acceptance form (验收表): its signatures and date, and what the records filled in."""

    accepted_on: dt.date | None = None
    head_signed: bool | None = None
    village_secretary: str | None = None
    officer_name: str | None = None
    monitor_contact: str | None = None
    object_type: ObjectType | None = None
    original_risks: list[str] = Field(default_factory=list)
    measure_classes: list[str] = Field(default_factory=list)
    measures: list[str] = Field(default_factory=list, description="catalogue codes")
    measure_names: list[str] = Field(default_factory=list)
    income_12_months_total: Decimal | None = None
    income_12_months: str | None = Field(None, description="the income criterion's explanation")
    criteria: dict[str, bool] = Field(default_factory=dict, description="each criterion and whether it is met")
