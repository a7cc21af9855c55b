"""A policy pack: what a jurisdiction's documents decide for a year, as data. Screening publishes packs
(`screening.policy.v1`); every service reads the part it applies: screening the line, the thresholds, the
rules and the negative list; intake the identification procedure's variant and consent; assistance the
measures, the not-assisted list and the elimination notice; the ledger the paperwork's wording.

Every value has a default, and every default is a *local default*: a figure no policy document states,
which the pack shows as such until a jurisdiction's document replaces it. A pack says where each of its
values comes from in `sources`, keyed by the value's path (`line`, `thresholds.income_drop_ratio`, ...).
"""

from decimal import ROUND_HALF_UP, Decimal
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, field_validator, model_validator

from contracts.base import Invalid

# Stored precisions (money in cents, ratios in 4 places), applied on reading so a value says the same
# wherever it travels.
Money = Annotated[
    Decimal,
    Field(ge=0, le=10_000_000, max_digits=14, decimal_places=2),
    AfterValidator(lambda d: d.quantize(Decimal("0.01"))),
]
Ratio = Annotated[
    Decimal, Field(gt=0, le=10, max_digits=6, decimal_places=4), AfterValidator(lambda d: d.quantize(Decimal("0.0001")))
]
Share = Annotated[
    Decimal, Field(ge=0, lt=1, max_digits=6, decimal_places=4), AfterValidator(lambda d: d.quantize(Decimal("0.0001")))
]
Multiple = Annotated[  # a ratio that grows: more than once
    Decimal, Field(gt=1, le=10, max_digits=6, decimal_places=4), AfterValidator(lambda d: d.quantize(Decimal("0.0001")))
]
WorkingDays = Annotated[int, Field(ge=1, le=60)]
ZhText = Annotated[str, Field(min_length=1, max_length=200)]
Prefix = Annotated[str, Field(pattern=r"^(\d{2}|\d{4}|\d{6}|\d{9}|\d{12})$")]

# The widest window a pack may set for scale-level risk (a scan looks back four of them).
MAX_REGIONAL_WINDOW_DAYS = 365

LOCAL_DEFAULT = "local default, not in the seeds: no policy document states this value"


class _Part(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Jurisdiction(_Part):
    """Who a pack governs: a set of region-code prefixes, so that a functional zone (仲恺高新区: five
    townships inside 惠城区) is one jurisdiction. The national pack has no prefixes: it covers every region
    no jurisdiction of its own covers."""

    code: str = Field(pattern=r"^[0-9A-Za-z][0-9A-Za-z-]{1,39}$", examples=["532504", "zhongkai"])
    name: ZhText = Field(examples=["弥勒市"])
    level: Literal["national", "province", "prefecture", "county", "county_city", "district", "zone"]
    prefixes: list[Prefix] = Field(default_factory=list, max_length=200)

    @model_validator(mode="after")
    def _national_or_prefixed(self) -> "Jurisdiction":
        if (self.level == "national") != (not self.prefixes):
            raise Invalid(
                "the national jurisdiction has no prefixes; every other has at least one",
                "全国辖区不设区划前缀，其他辖区至少有一个",
            )
        if len(set(self.prefixes)) != len(self.prefixes):
            raise Invalid("prefixes repeat", "区划前缀重复")
        return self


class MonitoringLine(_Part):
    """The per-capita yearly net income below which a household is in the monitoring range, and its basis:
    a fixed amount; a multiple of the year's rural 低保 standard, which is stored with it; or not stated by
    the document. Where a pack states none, the national floor of the national pack in force is applied in
    its place (`national_floor`, set by `common.policy`, never published): 湖北 names only "低于国家扶贫标准1.5倍
    左右", which is that floor."""

    basis: Literal["fixed", "dibao_multiple", "unstated", "national_floor"] = "unstated"
    amount: Money | None = Field(None, description="CNY per person per year; derived for dibao_multiple")
    dibao_standard: Money | None = Field(None, description="the year's rural 低保 standard (CNY per person per year)")
    multiple: Ratio | None = None

    @model_validator(mode="after")
    def _basis(self) -> "MonitoringLine":
        if self.basis in ("fixed", "national_floor") and self.amount is None:
            raise Invalid(f"a {self.basis} line needs its amount", "固定标准或国家底线的监测线须填写金额")
        if self.basis == "dibao_multiple":
            if self.dibao_standard is None or self.multiple is None:
                raise Invalid(
                    "a 低保-multiple line needs dibao_standard and multiple",
                    "按低保标准倍数确定的监测线须填写低保标准和倍数",
                )
            derived = (self.dibao_standard * self.multiple).quantize(Decimal("0.01"), ROUND_HALF_UP)
            if self.amount is not None and self.amount != derived:
                raise Invalid(
                    f"amount {self.amount} is not {self.multiple} x {self.dibao_standard} = {derived}",
                    f"金额 {self.amount} 不等于 {self.multiple} × {self.dibao_standard} = {derived}",
                )
            object.__setattr__(self, "amount", derived)
        if self.basis == "unstated" and self.amount is not None:
            raise Invalid("an unstated line has no amount", "文件未规定的监测线不应填写金额")
        return self


class Thresholds(_Part):
    rigid_expense_ratio: Ratio = Field(Decimal("1.0"), description="rigid expenditure above this x last year's income")
    income_drop_ratio: Ratio = Field(Decimal("0.3"), description="a drop of this share against the previous year")
    medical_oop_threshold: Money = Field(Decimal("20000"), description="out-of-pocket medical cost per year (CNY)")
    medical_oop_income_share: Ratio = Field(Decimal("0.5"), description="out-of-pocket medical cost / yearly income")
    large_deposit: Money = Field(Decimal("100000"), description="deposits above this are on the negative list (CNY)")
    higher_education_oop: Money = Field(
        Decimal("10000"), description="a student's yearly out-of-pocket cost that counts as high despite aid (CNY)"
    )
    disaster_loss: Money = Field(
        Decimal("10000"), description="a household's direct loss in a disaster or accident that raises an alert (CNY)"
    )
    hospital_stay_days: int = Field(30, ge=1, le=365, description="a year's days in hospital that raise an alert")
    microloan_overdue_days: int = Field(
        30, ge=1, le=3650, description="the days past due at which a micro-loan raises an alert"
    )
    alert_verification_working_days: WorkingDays = Field(10, description="grassroots verification of an alert")
    consent_validity_days: int = Field(365, ge=30, le=3650, description="how long a signed authorisation holds")
    income_recent_months: int = Field(
        6, ge=1, le=12, description="elimination: the last months alone must be on course for the line, annualised"
    )
    guarantee_check_max_age_days: int = Field(365, ge=30, le=1095, description="a 两不愁三保障 check older is stale")
    monitored_share_floor: Share = Field(Decimal("0.01"), description="below this share, a region is under-identified")
    price_fall_share: Share = Field(
        Decimal("0.2"), description="a farm product's average price this much below the windows before (大幅下跌)"
    )
    project_failure_households: int = Field(
        10, ge=1, le=100_000, description="households of a region's failed industry projects that make it scale-level"
    )
    # Scale-level risk (防止规模性返贫): 中农组发〔2021〕7号 二(三) orders regional risks watched and warned of early
    # (农村劳动力失业明显增多 ...) but states no window or number; these are local defaults until a document does.
    regional_window_days: int = Field(
        30,
        ge=1,
        le=MAX_REGIONAL_WINDOW_DAYS,
        description="scale-level risk: the window counted, against the three before it",
    )
    regional_spike_factor: Multiple = Field(
        Decimal("2.0"),
        description="scale-level risk: a window's alerts (or households hit) above this x the windows before",
    )
    regional_spike_min_alerts: int = Field(
        5, ge=1, le=100_000, description="scale-level risk: fewer alerts (or households hit) in a window are no spike"
    )
    regional_min_households: int = Field(
        50, ge=1, le=10_000_000, description="scale-level risk: a region with fewer households has no share judged"
    )


NegativeItem = Literal[
    "enjoyment_vehicle",  # 享受型车辆 (not any vehicle: a farm truck is a means of work)
    "any_vehicle",  # 小轿车或大型货运车辆 (as Ningxia lists them)
    "commercial_housing",  # 城镇商品房
    "business_premises",  # 营业房
    "large_farm_machinery",  # 大型农机具
    "large_deposit",  # 存款额度大 (above thresholds.large_deposit)
    "company_shareholder",  # 公司法人、企业股东
    "fiscal_salary",  # 财政供养人员
]


DEFAULT_NEGATIVE: tuple[NegativeItem, ...] = ("enjoyment_vehicle", "commercial_housing", "large_deposit")


class NegativeList(_Part):
    """Holdings that exclude a household from monitoring (负面清单), and whether an item held only in name
    counts."""

    items: list[NegativeItem] = Field(default_factory=lambda: list(DEFAULT_NEGATIVE), max_length=20)
    nominal_holdings_exclude: bool = Field(
        True,
        description="false: an item registered to a member but not in fact theirs (名下有但实际不属于自有) "
        "does not exclude the household",
    )


class NotAssisted(_Part):
    """What is not assisted (不予帮扶): the expense or measure concerned is excluded, not the household's
    whole plan (`household`: the whole plan, where a document says so)."""

    code: Literal[
        "false_declaration",
        "housing_not_c_or_d",
        "excessive_medical",
        "excessive_education",
        "unlawful_self_harm",
    ]
    zh: ZhText
    excludes: Literal["expense", "measure", "household"]
    measure_kinds: list[str] = Field(default_factory=list, max_length=20, description="the measures it excludes")


class IdentificationPolicy(_Part):
    """The identification procedure's variant: who reviews in the village, whether and how long the public
    notice runs, the extra steps some documents add, the township form's income bands, who is not asked to
    authorise the asset query (everyone signs the authorisation)."""

    review_body: ZhText = Field("村级民主评议", description="who reviews in the village, as the document names it")
    review_participants: list[ZhText] = Field(
        default_factory=list, max_length=20, description="who must take part; each is recorded with the review"
    )
    public_notice: bool = True
    notice_working_days: WorkingDays = 5
    household_survey: bool = Field(False, description="a household survey (入户调查) before the village review")
    survey_forms: list[ZhText] = Field(default_factory=list, max_length=10)
    township_recheck_working_days: WorkingDays | None = Field(
        None, description="the township re-checks each household within this many working days of the summary"
    )
    income_bands: list[Money] = Field(
        default_factory=list, max_length=10, description="the township form's per-capita income bands (ascending)"
    )
    consent_required: bool = Field(
        True, description="the household authorises the asset check and data sharing before the village review"
    )
    consent_signers: Literal["head", "all_adults"] = Field("head", description="who signs the authorisation")
    false_information_bar_years: int | None = Field(
        None, ge=1, le=10, description="a finding of false information bars a new declaration this many years"
    )
    consent_exempt: list[Literal["dibao", "tekun"]] = Field(
        default_factory=list,
        description="households enrolled in these (as civil affairs confirms) still sign the authorisation, but"
        " are not asked to authorise the asset query",
    )

    @field_validator("income_bands")
    @classmethod
    def _ascending(cls, v: list[Decimal]) -> list[Decimal]:
        if v != sorted(set(v)):
            raise Invalid("income bands ascend without repeats", "收入分档应从低到高且不重复")
        return v


LabourShort = Literal["none", "partial"]
NO_LABOUR: tuple[LabourShort, ...] = ("none",)


class Measures(_Part):
    one_risk_one_measure: bool = Field(
        False, description="a single risk gets a single measure; a second one needs a recorded reason"
    )
    no_labour_referral: list[LabourShort] = Field(
        default_factory=lambda: list(NO_LABOUR),
        description="labour capacities referred to 低保/特困 when no stable income can be earned",
    )
    public_review: bool = Field(
        False, description="the plan's measures pass a village democratic review and a public notice before approval"
    )
    notice_working_days: WorkingDays = Field(5, description="how long the measures' public notice runs")


class EliminationPolicy(_Part):
    public_notice: bool = True
    notice_working_days: WorkingDays = 5


class Report(_Part):
    deadline_day: int = Field(10, ge=1, le=28, description="the monthly report is due by this day of the next month")
    scale_share: Share = Field(Decimal("0.05"), description="the expected monitored share of the registered")
    scale_share_max: Share = Field(Decimal("0.10"), description="the most it should be (deeply poor areas)")


FormCode = Annotated[str, Field(pattern=r"^[a-z][a-z0-9-]{1,60}$")]
# A file name under the templates' directory (one folder level at most): never a path out of it.
TemplateName = Annotated[str, Field(pattern=r"^([a-z0-9][a-z0-9_-]{0,60}/)?[a-z0-9][a-z0-9_-]{0,60}\.html$")]


class Paperwork(_Part):
    approver: ZhText = Field("县级", description="who approves, as the forms say it: 区级, 县级, 市级")
    office: ZhText = Field("县乡村振兴部门", description="the office that seals the approval")
    decided_by: ZhText | None = Field(
        None, description="the body the office reports to for the decision, as the approval letter names it (区管委会)"
    )
    forms: list[str] = Field(default_factory=list, max_length=30, description="the forms this jurisdiction files")
    templates: dict[FormCode, TemplateName] = Field(
        default_factory=dict,
        max_length=30,
        description="the jurisdiction's own paper: a form's code and the template (HTML/CSS, ADR 0026) it is "
        "printed with instead of the shipped one, found in the ledger's FORM_TEMPLATES_DIR first",
    )


class PackValues(_Part):
    """Everything a pack decides. A publish gives only what changes: the rest is carried forward from the
    pack in force, with its sources."""

    line: MonitoringLine = MonitoringLine()
    line_floor: Money | None = Field(None, description="no jurisdiction's line may be below this (national)")
    income_year_offset: Literal[0, -1] = Field(
        0, description="which year's income a screening year judges: 0 the same year's, -1 the previous year's"
    )
    thresholds: Thresholds = Thresholds()
    rules: dict[str, "RuleSetting"] = Field(default_factory=dict, description="overrides of the catalogue defaults")
    negative_list: NegativeList = NegativeList()
    not_assisted: list[NotAssisted] = Field(default_factory=list, max_length=20)
    identification: IdentificationPolicy = IdentificationPolicy()
    measures: Measures = Measures()
    elimination: EliminationPolicy = EliminationPolicy()
    report: Report = Report()
    paperwork: Paperwork = Paperwork()
    mandatory: list[str] = Field(
        default_factory=list,
        max_length=50,
        description="national pack only: value paths every jurisdiction follows from this pack's year on, "
        "whatever its own pack says (a 2020 county document without a public notice does not dispense a "
        "2026 case from the one 中农组发〔2021〕7号 requires)",
    )

    @field_validator("mandatory")
    @classmethod
    def _paths(cls, v: list[str]) -> list[str]:
        unknown = sorted(set(v) - set(VALUE_PATHS) - {"line", "line_floor"})
        if unknown:
            raise Invalid(f"no such value {unknown}", f"没有这些取值项：{unknown}")
        return v


class RuleSetting(_Part):
    enabled: bool = True
    grade: Literal["red", "orange", "yellow"]


PackValues.model_rebuild()


def value_paths(model: type[BaseModel] = PackValues, prefix: str = "") -> list[str]:
    """Every path a source may be given for: a section's leaves, and the whole of lists, maps and the line."""
    out = []
    for name, f in model.model_fields.items():
        path = f"{prefix}{name}"
        kind = f.annotation
        if isinstance(kind, type) and issubclass(kind, BaseModel) and kind is not MonitoringLine:
            out.extend(value_paths(kind, path + "."))
        else:
            out.append(path)
    return out


VALUE_PATHS = tuple(value_paths())


def at(values: dict[str, Any], path: str) -> Any:
    for part in path.split("."):
        values = values[part]
    return values


def with_paths(values: dict[str, Any], paths: dict[str, Any]) -> dict[str, Any]:
    """`values` with each dotted path set (a copy)."""
    out = merge(values, {})
    for path, value in paths.items():
        *parents, last = path.split(".")
        target = out
        for part in parents:
            target[part] = dict(target.get(part) or {})
            target = target[part]
        target[last] = value
    return out


def merge(base: dict[str, Any], given: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    """`given` over `base`, section by section; a value (the line, a list, the rules) given replaces the
    base's whole."""
    out = dict(base)
    for k, v in given.items():
        path = f"{prefix}{k}"
        if isinstance(v, dict) and isinstance(out.get(k), dict) and path not in VALUE_PATHS:
            out[k] = merge(out[k], v, path + ".")
        else:
            out[k] = v
    return out


def given_paths(given: dict[str, Any], prefix: str = "") -> set[str]:
    """The value paths a partial pack sets."""
    out: set[str] = set()
    for k, v in given.items():
        path = f"{prefix}{k}"
        if path in VALUE_PATHS:
            out.add(path)
        elif isinstance(v, dict):
            out |= given_paths(v, path + ".")
    return out
