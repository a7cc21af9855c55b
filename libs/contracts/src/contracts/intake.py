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

HOUSEHOLD_TOPIC = "intake.household.v1"
CONSENT_TOPIC = "intake.consent.v1"
CASE_TOPIC = "intake.case.v1"


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
    occurred_at: dt.datetime
    data: dict[str, Any] = Field(default_factory=dict, description="the step's own record (form fields)")


def _case_event(name: str, doc: str) -> type[CaseEventBase]:
    cls = type(
        name,
        (CaseEventBase,),
        {
            "__doc__": doc,
            "type": f"intake.case.{_kebab(name)}",
            "__annotations__": {"type": ClassVar[str]},
            "__module__": __name__,
        },
    )
    return cls


def _kebab(class_name: str) -> str:
    stem = class_name.removeprefix("Case").removesuffix("V1")
    return "".join("-" + c.lower() if c.isupper() else c for c in stem).lstrip("-")


CaseDeclaredV1 = _case_event("CaseDeclaredV1", "A case was opened through one of the four channels.")
CaseJoinedV1 = _case_event("CaseJoinedV1", "Another channel or risk joined an open case.")
CaseConsentAttachedV1 = _case_event("CaseConsentAttachedV1", "A valid commitment and authorization was attached.")
CaseHouseholdSurveyedV1 = _case_event(
    "CaseHouseholdSurveyedV1",
    "The household was surveyed at home before the village review (入户调查), with its forms.",
)
CaseVillageReviewedV1 = _case_event("CaseVillageReviewedV1", "The villager representatives' meeting pre-selected it.")
CaseNoticePublishedV1 = _case_event("CaseNoticePublishedV1", "The village pre-selection list was publicly noticed.")
CaseObjectionFiledV1 = _case_event("CaseObjectionFiledV1", "An objection was raised during the public notice.")
CaseObjectionResolvedV1 = _case_event("CaseObjectionResolvedV1", "An objection was upheld or dismissed.")
CaseTownshipVerifiedV1 = _case_event("CaseTownshipVerifiedV1", "The township verified the case (form decision yes).")
CaseApprovedV1 = _case_event("CaseApprovedV1", "The county approved: the household is a monitored object.")
CaseRejectedV1 = _case_event("CaseRejectedV1", "The case was rejected at some step, with a reason.")

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
    )
}
