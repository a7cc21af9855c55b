"""Events intake publishes: households, consents and identification cases.

No event carries a plaintext resident ID or phone number. Members carry `id_index`, the keyed blind
index of their resident ID, so other services can match department records without seeing the ID.
"""

import datetime as dt
import uuid
from decimal import Decimal
from typing import Any, ClassVar

from pydantic import Field

from contracts.base import EventContract
from contracts.shared import Channel, LabourCapacity, ObjectType, RiskCategory
from contracts.steps import (
    ApprovalRecord,
    CaseNoticeRecord,
    CaseObjectionRecord,
    CaseResolutionRecord,
    CaseReviewRecord,
    ConsentRecord,
    DeclarationRecord,
    JoinRecord,
    RejectionRecord,
    StepRecord,
    SurveyRecord,
    VerificationRecord,
)

HOUSEHOLD_TOPIC = "intake.household.v1"
CONSENT_TOPIC = "intake.consent.v1"
CASE_TOPIC = "intake.case.v1"
RECORD = "the step's own record (form fields)"


class ImportOrigin(EventContract):
    """Where an imported record came from: the file (by its SHA-256) and the spreadsheet row of the
    household's first line. Its dates are the national system's, not this system's procedure."""

    file_sha256: str = Field(pattern=r"^[0-9a-f]{64}$")
    row: int = Field(ge=2, description="the household's first row in the file (row 1 is the header)")


IMPORTED_FROM = "set when the record was imported from a county's existing files (intake imports)"


class MemberFacts(EventContract):
    """A member as other services may see them: facts, no identifiers."""

    member_id: uuid.UUID
    id_index: str = Field(description="HMAC blind index of the resident ID")
    relation: str
    sex: str
    birth_date: dt.date
    labour_capacity: LabourCapacity
    health: str | None = None
    disability_category: str | None = None
    disability_grade: int | None = None
    schooling: str | None = None
    active: bool = True


class HouseholdEventBase(EventContract):
    topic: ClassVar[str] = HOUSEHOLD_TOPIC
    household_id: uuid.UUID
    region_code: str
    household_no: str
    category: str
    version: int
    members: list[MemberFacts]
    imported_from: ImportOrigin | None = Field(None, description=IMPORTED_FROM)


class HouseholdRegisteredV1(HouseholdEventBase):
    """A household was registered in the monitoring system."""

    type: ClassVar[str] = "intake.household.registered"


class HouseholdUpdatedV1(HouseholdEventBase):
    """A household's data changed; the payload is the new version in full."""

    type: ClassVar[str] = "intake.household.updated"


class HouseholdIncomeRecordedV1(EventContract):
    """A year's income by source and rigid expenditure was recorded (a newer record supersedes)."""

    topic: ClassVar[str] = HOUSEHOLD_TOPIC
    type: ClassVar[str] = "intake.household.income-recorded"
    household_id: uuid.UUID
    region_code: str
    year: int
    revision: int
    members_count: int
    wages: Decimal
    production: Decimal
    property: Decimal
    transfers: Decimal
    medical_expense: Decimal
    schooling_expense: Decimal
    other_rigid_expense: Decimal
    per_capita_net_income: Decimal

    def total_income(self) -> Decimal:
        return self.wages + self.production + self.property + self.transfers

    def rigid_expense(self) -> Decimal:
        return self.medical_expense + self.schooling_expense + self.other_rigid_expense


class ConsentEventBase(EventContract):
    topic: ClassVar[str] = CONSENT_TOPIC
    consent_id: uuid.UUID
    household_id: uuid.UUID
    region_code: str
    scopes: list[str]
    signed_at: dt.datetime
    expires_at: dt.date


class ConsentSignedV1(ConsentEventBase):
    """The household signed the commitment and authorization (承诺授权) for the given scopes."""

    type: ClassVar[str] = "intake.consent.signed"


class ConsentRevokedV1(ConsentEventBase):
    """The household revoked a consent; no new check may rely on it."""

    type: ClassVar[str] = "intake.consent.revoked"
    revoked_at: dt.datetime
    reason: str


CALENDAR_TOPIC = "intake.calendar.v1"


class CalendarDayFacts(EventContract):
    day: dt.date
    is_workday: bool = Field(description="true: an adjusted working weekend (调休); false: a weekday holiday")
    name: str = ""


class CalendarYearLoadedV1(EventContract):
    """Ops loaded (or replaced) a year's official holiday arrangement: every service counts working days
    by it from now on (the days listed are those that differ from Monday-Friday)."""

    topic: ClassVar[str] = CALENDAR_TOPIC
    type: ClassVar[str] = "intake.calendar.year-loaded"
    year: int
    source: str
    loaded_by: str
    days: list[CalendarDayFacts]


class CaseRisk(EventContract):
    category: RiskCategory
    details: dict[str, Any] = Field(default_factory=dict)


class CaseEventBase(EventContract):
    topic: ClassVar[str] = CASE_TOPIC
    case_id: uuid.UUID
    household_id: uuid.UUID
    region_code: str
    state: str
    previous_state: str | None
    channels: list[Channel]
    object_type: ObjectType | None
    risks: list[CaseRisk]
    weak_motivation: bool = Field(False, description="内生动力不足 recorded on the case (for 扶志扶智 measures)")
    actor: str
    actor_role: str
    # Who took the step by name, as their login names them (the token's name claim): the dossier shows the
    # officer by name and post, not by login id. None for the system and for a login without a name.
    actor_name: str | None = Field(None, max_length=100)
    occurred_at: dt.datetime
    # The step's own record (form fields): each event narrows it to its step's record (contracts.steps).
    data: StepRecord = Field(default_factory=StepRecord, description=RECORD)
    imported_from: ImportOrigin | None = Field(None, description=IMPORTED_FROM)


class CaseDeclaredV1(CaseEventBase):
    """A case was opened through one of the four channels."""

    type: ClassVar[str] = "intake.case.declared"
    data: DeclarationRecord = Field(default_factory=DeclarationRecord, description=RECORD)


class CaseJoinedV1(CaseEventBase):
    """Another channel or risk joined an open case."""

    type: ClassVar[str] = "intake.case.joined"
    data: JoinRecord = Field(default_factory=JoinRecord, description=RECORD)


class CaseConsentAttachedV1(CaseEventBase):
    """A valid commitment and authorization was attached."""

    type: ClassVar[str] = "intake.case.consent-attached"
    data: ConsentRecord = Field(default_factory=ConsentRecord, description=RECORD)


class CaseHouseholdSurveyedV1(CaseEventBase):
    """The household was surveyed at home before the village review (入户调查), with its forms."""

    type: ClassVar[str] = "intake.case.household-surveyed"
    data: SurveyRecord = Field(default_factory=SurveyRecord, description=RECORD)


class CaseVillageReviewedV1(CaseEventBase):
    """The villager representatives' meeting pre-selected it."""

    type: ClassVar[str] = "intake.case.village-reviewed"
    data: CaseReviewRecord = Field(default_factory=CaseReviewRecord, description=RECORD)


class CaseNoticePublishedV1(CaseEventBase):
    """The village pre-selection list was publicly noticed."""

    type: ClassVar[str] = "intake.case.notice-published"
    data: CaseNoticeRecord = Field(default_factory=CaseNoticeRecord, description=RECORD)


class CaseObjectionFiledV1(CaseEventBase):
    """An objection was raised during the public notice."""

    type: ClassVar[str] = "intake.case.objection-filed"
    data: CaseObjectionRecord = Field(default_factory=CaseObjectionRecord, description=RECORD)


class CaseObjectionResolvedV1(CaseEventBase):
    """An objection was upheld or dismissed."""

    type: ClassVar[str] = "intake.case.objection-resolved"
    data: CaseResolutionRecord = Field(default_factory=CaseResolutionRecord, description=RECORD)


class CaseTownshipVerifiedV1(CaseEventBase):
    """The township verified the case (form decision yes)."""

    type: ClassVar[str] = "intake.case.township-verified"
    data: VerificationRecord = Field(default_factory=VerificationRecord, description=RECORD)


class CaseApprovedV1(CaseEventBase):
    """The county approved: the household is a monitored object."""

    type: ClassVar[str] = "intake.case.approved"
    data: ApprovalRecord = Field(default_factory=ApprovalRecord, description=RECORD)


class CaseRejectedV1(CaseEventBase):
    """The case was rejected at some step, with a reason."""

    type: ClassVar[str] = "intake.case.rejected"
    data: RejectionRecord = Field(default_factory=RejectionRecord, description=RECORD)


class ImportedMeasure(EventContract):
    """A measure the national system recorded for an imported case, with its dates."""

    name: str = Field(max_length=100)
    started_on: dt.date
    ended_on: dt.date | None = None


class ImportedHistory(EventContract):
    identified_on: dt.date = Field(description="纳入监测时间: when the national system identified the household")
    measures: list[ImportedMeasure] = Field(default_factory=list)
    eliminated_on: dt.date | None = Field(None, description="风险消除时间, if the risk was eliminated")


class CaseImportedV1(CaseEventBase):
    """A case identified before this system, brought in with its history from the national system's files:
    its dates are that system's and no step of today's procedure is applied to it. `state` is `monitored`;
    `history.eliminated_on` says whether the risk was eliminated since."""

    type: ClassVar[str] = "intake.case.imported"
    imported_from: ImportOrigin
    history: ImportedHistory


CASE_EVENTS: dict[str, type[CaseEventBase]] = {
    c.type: c
    for c in (
        CaseDeclaredV1,
        CaseJoinedV1,
        CaseConsentAttachedV1,
        CaseHouseholdSurveyedV1,
        CaseVillageReviewedV1,
        CaseNoticePublishedV1,
        CaseObjectionFiledV1,
        CaseObjectionResolvedV1,
        CaseTownshipVerifiedV1,
        CaseApprovedV1,
        CaseRejectedV1,
        CaseImportedV1,
    )
}
