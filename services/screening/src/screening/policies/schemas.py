import datetime as dt
import uuid
from decimal import Decimal
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from common.clock import Day
from common.messages import Invalid
from common.regions import validate_region_code
from contracts.policy import VALUE_PATHS, Jurisdiction, PackValues
from screening.rules.catalogue import CATALOGUE


class PolicyCreate(BaseModel):
    """A new version of a jurisdiction's pack for a year. `values` gives what changes: everything it leaves out
    is carried forward, with its source, from the jurisdiction's latest pack of that year or before (else the
    national pack, else the local defaults)."""

    model_config = ConfigDict(extra="forbid")

    jurisdiction: Jurisdiction
    year: int = Field(ge=2015, le=2100)
    valid_through: int | None = Field(
        None, ge=2015, le=2100, description="the last year the document governs (仲恺: 2021 to 2025)"
    )
    effective_from: Day
    name: str = Field(min_length=1, max_length=200, examples=["弥勒市2020年防止返贫监测范围"])
    source: str = Field(min_length=1, max_length=2000, description="the policy document it implements")
    values: PackValues = Field(default_factory=PackValues, description="what this version decides (partial)")
    sources: dict[str, Annotated[str, Field(min_length=2, max_length=500)]] = Field(
        default_factory=dict,
        description="where each value comes from, by its path (`line`, `thresholds.income_drop_ratio`, "
        "`identification.review_body`, ...): the document, its article and words. A value given without one "
        "is shown as a local default",
    )

    @field_validator("jurisdiction")
    @classmethod
    def _known_regions(cls, j: Jurisdiction) -> Jurisdiction:
        for prefix in j.prefixes:
            validate_region_code(prefix)
        return j

    @field_validator("values")
    @classmethod
    def _known_rules(cls, values: PackValues) -> PackValues:
        unknown = sorted(set(values.rules) - set(CATALOGUE))
        if unknown:
            raise Invalid(
                f"unknown rule codes {unknown}; see GET /rules", f"未知的规则代码：{unknown}（见 GET /rules）"
            )
        return values

    @field_validator("sources")
    @classmethod
    def _known_paths(cls, sources: dict[str, str]) -> dict[str, str]:
        unknown = sorted(set(sources) - set(VALUE_PATHS))
        if unknown:
            raise Invalid(
                f"no such value {unknown}; the paths are {', '.join(VALUE_PATHS)}",
                f"没有这些取值项：{unknown}；可用的取值项：{'、'.join(VALUE_PATHS)}",
            )
        return sources

    @model_validator(mode="after")
    def _period(self) -> "PolicyCreate":
        if self.valid_through is not None and self.valid_through < self.year:
            raise Invalid("valid_through is before the pack's year", "有效期截止早于政策包的年度")
        return self


class SourcedValue(BaseModel):
    path: str
    value: Any
    source: str = Field(description="the document, its article and words; or that it is a local default")
    local_default: bool


class PolicyPublic(BaseModel):
    id: uuid.UUID
    jurisdiction: Jurisdiction
    region_prefix: str = Field(description="the prefix common to the jurisdiction's (empty: national)")
    region_name: str
    year: int
    valid_through: int | None
    version: int
    effective_from: Day
    name: str
    source: str
    values: PackValues
    monitoring_line: Decimal | None = Field(description="the line's amount (values.line); null: unstated")
    sourced: list[SourcedValue] = Field(description="every value of the pack with its source")
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
    basis: str = Field(
        "fixed", description="the line's basis: national_floor where the pack states no amount and the floor applies"
    )
    message: str
