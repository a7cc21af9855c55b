"""Department data-sharing feeds: one versioned topic per department (中农组发〔2021〕7号, 部门筛查预警).

Each record carries the department's own record id and a revision: (department, record_id) identifies a
record, a higher revision is a correction that supersedes, the same revision again is a duplicate. Records
carry a plaintext resident ID, the departments' shared key; its type is marked IDENTIFIER so that every
consumer that stores events (ledger) keeps only its blind index.
"""

import datetime as dt
import uuid
from decimal import Decimal
from typing import Annotated, ClassVar, Literal

from pydantic import Field, StringConstraints

from contracts.base import IDENTIFIER, NOT_AFTER_TODAY, RESIDENT_ID, EventContract

ResidentId = Annotated[
    str,
    IDENTIFIER,
    RESIDENT_ID,
    StringConstraints(strip_whitespace=True, to_upper=True, pattern=r"^[0-9]{17}[0-9X]$"),
]
RecordDate = Annotated[dt.date, NOT_AFTER_TODAY]
Money = Annotated[Decimal, Field(ge=0, le=100_000_000, max_digits=14, decimal_places=2)]

CIVIL_AFFAIRS, MEDICAL_INSURANCE, EDUCATION, HOUSING, DISABILITY = (
    "civil-affairs",
    "medical-insurance",
    "education",
    "housing",
    "disability",
)
EMERGENCY, HUMAN_RESOURCES, HEALTH, WATER = "emergency-management", "human-resources", "health", "water"
FINANCE = "finance"


class DeptRecordBase(EventContract):
    department: ClassVar[str]
    record_id: str = Field(min_length=1, max_length=100, description="the department's own record id")
    revision: int = Field(1, ge=1, le=1000, description="a higher revision corrects and supersedes")
    resident_id: ResidentId
    event_date: RecordDate


class CivilAffairsRecordV1(DeptRecordBase):
    """Civil affairs: 低保 and 特困 enrolment or exit, temporary assistance, low-income registration, death or
    household change, and the results of family economic-status checks."""

    topic: ClassVar[str] = "dept.civil-affairs.v1"
    type: ClassVar[str] = "dept.civil-affairs.record"
    department: ClassVar[str] = CIVIL_AFFAIRS
    kind: Literal[
        "dibao_enrolled",
        "dibao_exited",
        "tekun_enrolled",
        "tekun_exited",
        "temporary_assistance",
        "low_income_registered",
        "death",
        "household_change",
        "economic_check_result",
    ]
    amount: Money | None = None
    commercial_housing: bool | None = Field(None, description="economic check: owns commercial housing")
    vehicles: int | None = Field(None, ge=0, le=100, description="economic check: vehicles registered, of any kind")
    enjoyment_vehicles: int | None = Field(
        None, ge=0, le=100, description="economic check: of those, 享受型 (private cars, not a means of work)"
    )
    business_premises: bool | None = Field(None, description="economic check: owns business premises (营业房)")
    large_farm_machinery: bool | None = Field(None, description="economic check: owns large farm machinery")
    deposits: Money | None = None
    business_registration: bool | None = None
    public_employee: bool | None = None
    request_id: uuid.UUID | None = Field(None, description="economic_check_result: the screening request answered")


class MedicalInsuranceRecordV1(DeptRecordBase):
    """Medical insurance: a settlement, or the year's out-of-pocket accumulation."""

    topic: ClassVar[str] = "dept.medical-insurance.v1"
    type: ClassVar[str] = "dept.medical-insurance.record"
    department: ClassVar[str] = MEDICAL_INSURANCE
    kind: Literal["settlement", "annual_accumulation"]
    total: Money
    reimbursed: Money
    out_of_pocket: Money
    disease_category: Literal["major", "chronic", "none"] = "none"


class EducationRecordV1(DeptRecordBase):
    """Education: enrolment by level, dropout or dropout risk, aid granted, out-of-pocket cost."""

    topic: ClassVar[str] = "dept.education.v1"
    type: ClassVar[str] = "dept.education.record"
    department: ClassVar[str] = EDUCATION
    # vocational: secondary (中职); higher_vocational: full-time higher vocational college (高职)
    level: Literal["compulsory", "high_school", "vocational", "higher", "higher_vocational"]
    status: Literal["enrolled", "dropout", "dropout_risk", "graduated"]
    full_time: bool = True
    aid_granted: Money = Decimal(0)
    out_of_pocket: Money = Decimal(0)


class HousingRecordV1(DeptRecordBase):
    """Housing: a safety appraisal (grade A-D) or a completed renovation."""

    topic: ClassVar[str] = "dept.housing.v1"
    type: ClassVar[str] = "dept.housing.record"
    department: ClassVar[str] = HOUSING
    kind: Literal["appraisal", "renovation_completed"]
    grade: Literal["A", "B", "C", "D"] | None = None


class DisabilityRecordV1(DeptRecordBase):
    """Disability federation: a certificate issued, changed or cancelled, with category and grade."""

    topic: ClassVar[str] = "dept.disability.v1"
    type: ClassVar[str] = "dept.disability.record"
    department: ClassVar[str] = DISABILITY
    action: Literal["issued", "changed", "cancelled"]
    category: Literal["visual", "hearing", "speech", "physical", "intellectual", "mental", "multiple"]
    grade: int = Field(ge=1, le=4)


class EmergencyRecordV1(DeptRecordBase):
    """Emergency management (应急管理): a household hit by a natural disaster (水旱、气象、地震、地质灾害……), a fire
    or another accident, with its direct loss; the resident ID is the household head's (中农组发〔2021〕7号: 因灾
    因意外事故……导致基本生活出现严重困难)."""

    topic: ClassVar[str] = "dept.emergency-management.v1"
    type: ClassVar[str] = "dept.emergency-management.record"
    department: ClassVar[str] = EMERGENCY
    kind: Literal["natural_disaster", "fire", "accident"]
    hazard: Literal[
        "flood", "drought", "meteorological", "earthquake", "geological", "biological", "fire", "traffic", "other"
    ]
    direct_loss: Money = Field(description="the household's direct economic loss, yuan")
    house_damaged: bool = False
    injured: int = Field(0, ge=0, le=100)
    deaths: int = Field(0, ge=0, le=100)


class HumanResourcesRecordV1(DeptRecordBase):
    """Human resources and social security (人社): a member registered unemployed, whose employment ended, who
    came back from migrant work, or who started work again (which ends the others)."""

    topic: ClassVar[str] = "dept.human-resources.v1"
    type: ClassVar[str] = "dept.human-resources.record"
    department: ClassVar[str] = HUMAN_RESOURCES
    kind: Literal["unemployment_registered", "employment_ended", "returned_migrant", "employment_started"]
    monthly_wage: Money | None = Field(None, description="the wage of the employment ended or started, yuan a month")


class HealthRecordV1(DeptRecordBase):
    """Health commission (卫生健康): a diagnosis or a hospital stay as the hospitals record it, beyond what medical
    insurance settles (《仲恺高新区健全防止返贫动态监测和帮扶机制工作方案》(2021) 二(一): 重点关注大病重病和负担较重的
    慢性病患者)."""

    topic: ClassVar[str] = "dept.health.v1"
    type: ClassVar[str] = "dept.health.record"
    department: ClassVar[str] = HEALTH
    kind: Literal["diagnosis", "hospital_stay"]
    disease_category: Literal["major", "chronic", "other"]
    days: int = Field(0, ge=0, le=3660, description="hospital_stay: the days in hospital")


class WaterRecordV1(DeptRecordBase):
    """Water resources (饮水安全): a household's drinking water found unsafe (quantity, quality, access or
    the guarantee rate), or made safe again; the resident ID is the household head's."""

    topic: ClassVar[str] = "dept.water.v1"
    type: ClassVar[str] = "dept.water.record"
    department: ClassVar[str] = WATER
    kind: Literal["unsafe", "made_safe"]
    issue: Literal["quantity", "quality", "access", "guarantee_rate"] | None = None


class FinanceRecordV1(DeptRecordBase):
    """Finance (人民银行及金融机构): a member's poverty-alleviation micro-loan (扶贫小额信贷) granted, overdue,
    extended or repaid, by the lending bank's loan id; an overdue loan is one of the nine risk types of
    《仲恺高新区健全防止返贫动态监测和帮扶机制工作方案》(2021) 二(三) (小额贷款逾期风险)."""

    topic: ClassVar[str] = "dept.finance.v1"
    type: ClassVar[str] = "dept.finance.record"
    department: ClassVar[str] = FINANCE
    kind: Literal["loan_granted", "loan_overdue", "loan_extended", "loan_repaid"]
    loan_id: str = Field(min_length=1, max_length=100, pattern=r"^[0-9A-Za-z_-]+$", description="the bank's loan id")
    amount: Money = Field(description="the loan's principal, yuan")
    overdue_days: int = Field(0, ge=0, le=3650, description="loan_overdue: the days past due")


DEPARTMENT_REPORT_TOPIC = "dept.reports.v1"


class DepartmentReportV1(EventContract):
    """What a department carried out for a measure on its list (各部门及时反馈), sent on the bus as its records
    are: the measure moves on, the department its evidence. `report_id` is the department's own: the same
    report again changes nothing."""

    topic: ClassVar[str] = DEPARTMENT_REPORT_TOPIC
    type: ClassVar[str] = "dept.reports.report"
    department: str = Field(pattern=r"^[a-z-]{2,40}$")
    report_id: str = Field(min_length=1, max_length=100, pattern=r"^[0-9A-Za-z_.:-]+$")
    measure_id: uuid.UUID
    status: Literal["in_progress", "implemented", "failed"]
    description: str = Field(min_length=1, max_length=2000)
    amount: Money | None = None
    date: RecordDate | None = None
    reported_by: str = Field(min_length=1, max_length=200, description="the department system or officer")


DEPT_CONTRACTS: dict[str, type[DeptRecordBase]] = {
    c.department: c
    for c in (
        CivilAffairsRecordV1,
        MedicalInsuranceRecordV1,
        EducationRecordV1,
        HousingRecordV1,
        DisabilityRecordV1,
        EmergencyRecordV1,
        HumanResourcesRecordV1,
        HealthRecordV1,
        WaterRecordV1,
        FinanceRecordV1,
    )
}
