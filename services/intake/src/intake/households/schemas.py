import datetime as dt
import uuid
from decimal import Decimal
from enum import StrEnum
from typing import Annotated, Self

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, computed_field, model_validator

from common.access_audit import PERSONAL
from common.clock import Day
from common.concurrency import etag_of
from common.messages import Invalid
from common.pii import normalize_phone, normalize_resident_id
from common.regions import validate_region_code
from contracts.base import IDENTIFIER
from contracts.shared import LabourCapacity

ResidentId = Annotated[str, IDENTIFIER, Field(examples=["11010519491231002X"]), AfterValidator(normalize_resident_id)]
Phone = Annotated[str, IDENTIFIER, Field(examples=["13800138000"]), AfterValidator(normalize_phone)]
VillageCode = Annotated[
    str,
    Field(pattern=r"^\d{12}$", examples=["532504102001"]),
    AfterValidator(lambda v: validate_region_code(v, required_level="village")),
]
Money = Annotated[Decimal, Field(ge=0, le=100_000_000, max_digits=14, decimal_places=2)]


class Relation(StrEnum):
    head = "head"
    spouse = "spouse"
    child = "child"
    child_in_law = "child_in_law"
    grandchild = "grandchild"
    parent = "parent"
    grandparent = "grandparent"
    sibling = "sibling"
    other = "other"


class Health(StrEnum):
    healthy = "healthy"
    chronic_illness = "chronic_illness"  # 长期慢性病
    major_illness = "major_illness"  # 大病
    disabled = "disabled"


class DisabilityCategory(StrEnum):
    visual = "visual"
    hearing = "hearing"
    speech = "speech"
    physical = "physical"
    intellectual = "intellectual"
    mental = "mental"
    multiple = "multiple"


class Schooling(StrEnum):
    preschool = "preschool"
    compulsory = "compulsory"  # 义务教育
    high_school = "high_school"
    vocational = "vocational"
    higher = "higher"
    not_in_school = "not_in_school"
    dropout = "dropout"


class HouseholdCategory(StrEnum):
    lifted = "lifted"  # 脱贫户
    ordinary = "ordinary"  # 一般农户


class MemberFields(BaseModel):
    model_config = ConfigDict(extra="forbid")

    labour_capacity: LabourCapacity
    health: Health = Health.healthy
    disability_category: DisabilityCategory | None = None
    disability_grade: int | None = Field(None, ge=1, le=4)
    schooling: Schooling | None = None
    phone: Phone | None = None

    @model_validator(mode="after")
    def _disability_pair(self) -> Self:
        if (self.disability_category is None) != (self.disability_grade is None):
            raise Invalid("disability_category and disability_grade go together", "残疾类别和残疾等级应同时填写")
        return self


class MemberCreate(MemberFields):
    name: str = Field(min_length=1, max_length=100, examples=["李四"])
    resident_id: ResidentId
    relation: Relation


class MemberUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    labour_capacity: LabourCapacity | None = None
    health: Health | None = None
    disability_category: DisabilityCategory | None = None
    disability_grade: int | None = Field(None, ge=1, le=4)
    schooling: Schooling | None = None
    phone: Phone | None = None
    active: bool | None = Field(None, description="false when the member leaves (death, marriage, move)")
    reason: str = Field(min_length=1, max_length=500)


class HouseholdCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    region_code: VillageCode
    household_no: str | None = Field(
        None,
        min_length=1,
        max_length=40,
        pattern=r"^[0-9A-Za-z-]+$",
        examples=["5325041020010001"],
        description="the household's number (户编号) where it already has one (the national system's); omitted, "
        "intake gives it the village's code and the village's next sequence number",
    )
    address: str = Field(min_length=1, max_length=300, examples=["新哨镇新哨社区1组"])
    category: HouseholdCategory
    members: list[MemberCreate] = Field(min_length=1, max_length=30)

    @model_validator(mode="after")
    def _one_head_distinct_ids(self) -> Self:
        if sum(m.relation == Relation.head for m in self.members) != 1:
            raise Invalid("members must include exactly one head (relation=head)", "家庭成员中应有且只有一位户主")
        if len({m.resident_id for m in self.members}) != len(self.members):
            raise Invalid("a resident ID appears twice among the members", "家庭成员中有重复的身份证号")
        return self


class HouseholdUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    address: str | None = Field(None, min_length=1, max_length=300)
    category: HouseholdCategory | None = None
    reason: str = Field(min_length=1, max_length=500)


class MemberPublic(BaseModel):
    id: uuid.UUID
    name: str = Field(json_schema_extra=PERSONAL)
    resident_id_masked: str
    relation: str
    sex: str
    birth_date: Day
    labour_capacity: str
    health: str
    disability_category: str | None
    disability_grade: int | None
    schooling: str | None
    phone_masked: str | None
    active: bool


class IncomeCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    wages: Money = Field(description="工资性收入")
    production: Money = Field(description="生产经营性收入 (net)")
    property: Money = Field(description="财产性收入")
    transfers: Money = Field(description="转移性收入")
    medical_expense: Money = Decimal(0)
    schooling_expense: Money = Decimal(0)
    other_rigid_expense: Money = Decimal(0)


class IncomePublic(IncomeCreate):
    model_config = ConfigDict(extra="ignore")

    year: int
    revision: int
    members_count: int
    per_capita_net_income: Decimal
    recorded_by: str
    recorded_at: dt.datetime

    @computed_field(description="the year's version: send it as If-Match when correcting the year")  # type: ignore[prop-decorator]
    @property
    def etag(self) -> str:
        return etag_of((self.year, self.revision))


class HouseholdPublic(BaseModel):
    id: uuid.UUID
    region_code: str
    region_name: str
    household_no: str
    address: str = Field(json_schema_extra=PERSONAL)
    category: str
    status: str = Field(description="registered | monitored | eliminated (monitored again after a new case)")
    assistance_status: str | None = Field(
        None, description="from assistance: plan_drafted | assisted | excluded | eliminated"
    )
    version: int
    members: list[MemberPublic]
    created_at: dt.datetime
    updated_at: dt.datetime


class HouseholdSummary(BaseModel):
    id: uuid.UUID
    region_code: str
    household_no: str
    head_name_masked: str
    category: str
    status: str
    members_count: int
    created_at: dt.datetime


class HouseholdLookup(BaseModel):
    model_config = ConfigDict(extra="forbid")

    resident_id: ResidentId


class ResidentIdDisclosure(BaseModel):
    member_id: uuid.UUID
    resident_id: str = Field(json_schema_extra=PERSONAL)
    purpose: str


class RevisionPublic(BaseModel):
    version: int
    changed_by: str
    changed_at: dt.datetime
    reason: str | None
    snapshot: dict = Field(json_schema_extra=PERSONAL)
