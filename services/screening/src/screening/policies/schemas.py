import datetime as dt
import uuid
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, field_validator

from common.clock import Day
from common.regions import validate_region_code
from contracts.shared import Grade
from screening.rules.catalogue import CATALOGUE

RegionPrefix = Annotated[
    str, Field(pattern=r"^(\d{2}|\d{4}|\d{6}|\d{9}|\d{12})$", examples=["532504"]), AfterValidator(validate_region_code)
]
Ratio = Annotated[Decimal, Field(gt=0, le=10, max_digits=6, decimal_places=4)]
Money = Annotated[Decimal, Field(ge=0, le=10_000_000, max_digits=14, decimal_places=2)]


class RuleSetting(BaseModel):
    model_config = ConfigDict(extra="forbid")

    enabled: bool = True
    grade: Grade


ThresholdName = Literal[
    "monitoring_line",
    "rigid_expense_ratio",
    "income_drop_ratio",
    "medical_oop_threshold",
    "medical_oop_income_share",
    "income_year_offset",
]


class Thresholds(BaseModel):
    model_config = ConfigDict(extra="forbid")

    monitoring_line: Money = Field(
        description="per-capita net income per year (CNY) below which a household is in range", examples=["4428"]
    )
    rigid_expense_ratio: Ratio = Field(Decimal("1.0"), description="rigid expenditure above this x last year's income")
    income_drop_ratio: Ratio = Field(Decimal("0.3"), description="a drop of this share against the previous year")
    medical_oop_threshold: Money = Field(Decimal("20000"), description="out-of-pocket medical cost per year (CNY)")
    medical_oop_income_share: Ratio = Field(Decimal("0.5"), description="out-of-pocket medical cost / yearly income")
    income_year_offset: Literal[0, -1] = Field(
        0,
        description="which year's income a screening year judges: 0 the same year's, -1 the previous year's "
        "(宁开办发〔2020〕8号: 上一年度家庭人均纯收入)",
    )


class PolicyCreate(Thresholds):
    region_prefix: RegionPrefix
    year: int = Field(ge=2015, le=2100)
    effective_from: Day
    name: str = Field(min_length=1, max_length=200, examples=["弥勒市2020年防止返贫监测范围"])
    source: str = Field(min_length=1, max_length=2000, description="the policy document it implements")
    rules: dict[str, RuleSetting] = Field(default_factory=dict, description="overrides of the catalogue defaults")
    value_sources: dict[ThresholdName, Annotated[str, Field(min_length=2, max_length=500)]] = Field(
        default_factory=dict,
        description="where each threshold comes from: the document, its article and words. The monitoring "
        "line defaults to `source`; any other threshold without one is shown as a local default",
    )

    @field_validator("rules")
    @classmethod
    def _known_rules(cls, rules: dict[str, RuleSetting]) -> dict[str, RuleSetting]:
        unknown = sorted(set(rules) - set(CATALOGUE))
        if unknown:
            raise ValueError(f"unknown rule codes {unknown}; see GET /rules")
        return rules


class PolicyPublic(Thresholds):
    value_sources: dict[str, str] = Field(
        description="every threshold's source: the document and its words, or that it is a local default"
    )
    id: uuid.UUID
    region_prefix: str
    region_name: str
    year: int
    version: int
    effective_from: Day
    name: str
    source: str
    rules: dict[str, RuleSetting]
    created_by: str
    created_at: dt.datetime


class EffectivePolicy(BaseModel):
    region_code: str
    year: int
    on: Day
    policy: PolicyPublic
    assumed: bool = Field(
        description="no policy of the year is in effect: the latest earlier year's line is applied (and every "
        "alert judged by it is flagged so)"
    )
    why: str = Field(description="which prefix and version matched, among which candidates")


class RulePublic(BaseModel):
    code: str
    category: str
    default_grade: str
    zh: str
    en: str


class PolicyGap(BaseModel):
    county: str
    county_name: str
    year: int
    judged_by: int | None = Field(description="the earlier year whose line is applied; null: no policy at all")
    message: str
