"""The four criteria of risk elimination (the acceptance form of
《仲恺高新区健全防止返贫动态监测和帮扶机制工作方案》(2021)), computed from data, each with its
evidence, and explained in English and in Chinese (the officers read the Chinese). A household without
labour capacity whose social floor is in place is never proposed: it stays monitored (中农组发〔2021〕7号,
风险消除)."""

import datetime as dt
import uuid
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, NamedTuple

from assistance.catalogue.service import catalogue, name_of
from assistance.plans.models import Plan
from assistance.projections.models import PolicyPack
from common import clock
from common.policy import InForce
from common.vocabulary import CRITERIA_ZH, GUARANTEE_ZH, MEASURE_STATUS_ZH, RISK_ZH, zh
from contracts.policy import PackValues

# Screening rules whose confirmed alert means a guarantee is not secured (housing safety, compulsory education).
GUARANTEE_RULES = {"housing_unsafe": "housing", "school_dropout": "compulsory_education"}
GUARANTEES = ("food", "clothing", "compulsory_education", "basic_medical", "housing", "drinking_water")


@dataclass(frozen=True)
class Criterion:
    code: str
    met: bool
    explanation: str
    explanation_zh: str
    evidence: list[str] = field(default_factory=list)
    name_zh: str = field(init=False)  # as the acceptance form names the criterion

    def __post_init__(self) -> None:
        object.__setattr__(self, "name_zh", CRITERIA_ZH[self.code])


@dataclass(frozen=True)
class Evaluation:
    household_id: str
    plan_id: str
    evaluated_on: str
    eligible: bool
    stays_monitored: bool
    reason: str
    reason_zh: str
    criteria: list[Criterion]

    def failing(self) -> list[Criterion]:
        return [c for c in self.criteria if not c.met]

    def as_dict(self) -> dict[str, Any]:
        # By hand: dataclasses.asdict copies recursively and measured half the time of a page of candidates.
        return {
            "household_id": self.household_id,
            "plan_id": self.plan_id,
            "evaluated_on": self.evaluated_on,
            "eligible": self.eligible,
            "stays_monitored": self.stays_monitored,
            "reason": self.reason,
            "reason_zh": self.reason_zh,
            "criteria": [
                {
                    "code": c.code,
                    "met": c.met,
                    "explanation": c.explanation,
                    "explanation_zh": c.explanation_zh,
                    "evidence": list(c.evidence),
                    "name_zh": c.name_zh,
                }
                for c in self.criteria
            ],
        }


# What the criteria read of each table: the columns, as plain tuples (read for a thousand plans a page).
class Month(NamedTuple):
    month: dt.date
    per_capita: Decimal


class YearIncome(NamedTuple):
    year: int
    total_income: Decimal
    rigid_expense: Decimal


class Measure(NamedTuple):
    code: str
    status: str
    risks: list[str]
    implemented_on: dt.date | None


class Alert(NamedTuple):
    alert_id: uuid.UUID
    rule: str
    explanation: str
    confirmed_at: dt.datetime


class Guarantee(NamedTuple):
    id: uuid.UUID
    checked_on: dt.date
    secured: dict[str, bool]  # each of GUARANTEES


@dataclass(frozen=True)
class Facts:
    plan: Plan
    measures: list[Measure]
    labour: str
    guarantee: Guarantee | None
    months: list[Month]
    incomes: list[YearIncome]
    pack: InForce[PolicyPack] | None  # the policy pack governing the household's region this year
    alerts: list[Alert] = field(default_factory=list)

    @property
    def values(self) -> PackValues:
        """The pack's values; with no pack at all, the local defaults (and no line)."""
        return self.pack.values if self.pack else PackValues()


def months_before(on: dt.date, n: int) -> list[dt.date]:
    first = on.replace(day=1)
    out = []
    for _ in range(n):
        first = (first - dt.timedelta(days=1)).replace(day=1)
        out.append(first)
    return sorted(out)


def risks_matched(f: Facts) -> Criterion:
    missing, evidence = [], []
    for risk in f.plan.risks:
        done = [
            m
            for m in f.measures
            if m.status == "implemented"
            and (risk in m.risks or (m.code in catalogue() and risk in catalogue()[m.code].addresses))
        ]
        if done:
            evidence += [f"measure:{m.code}:implemented:{m.implemented_on}" for m in done]
        else:
            missing.append(risk)
    if missing:
        return Criterion(
            "risks_matched",
            False,
            f"no implemented measure yet for the risk(s): {', '.join(missing)}",
            f"以下风险尚无已落实的帮扶措施：{'、'.join(zh(RISK_ZH, r) for r in missing)}",
            evidence,
        )
    return Criterion(
        "risks_matched",
        True,
        "every original risk has an implemented matching measure",
        "原有风险均已落实对应的帮扶措施",
        evidence,
    )


def guarantees_secured(f: Facts, on: dt.date) -> Criterion:
    g = f.guarantee
    if g is None:
        return Criterion(
            "guarantees_secured",
            False,
            "no township record of 两不愁三保障 and drinking water",
            "乡镇尚无“两不愁三保障”及饮水安全核查记录",
        )
    ref = [f"guarantee-check:{g.id}:{g.checked_on}"]
    if (on - g.checked_on).days > f.values.thresholds.guarantee_check_max_age_days:
        return Criterion(
            "guarantees_secured",
            False,
            f"the latest township record ({g.checked_on}) is over a year old",
            f"乡镇最近一次核查记录（{g.checked_on}）已超过一年",
            ref,
        )
    unsecured = [name for name in GUARANTEES if not g.secured[name]]
    if unsecured:
        return Criterion(
            "guarantees_secured",
            False,
            f"not secured on {g.checked_on}: {', '.join(unsecured)}",
            f"{g.checked_on} 核查时以下方面未保障：{'、'.join(GUARANTEE_ZH[u] for u in unsecured)}",
            ref,
        )
    later = [a for a in f.alerts if a.rule in GUARANTEE_RULES and clock.cst_date(a.confirmed_at) >= g.checked_on]
    if later:  # screening's data is newer than the township's record
        found = "; ".join(
            f"{GUARANTEE_RULES[a.rule]}: {a.explanation} (confirmed {a.confirmed_at:%Y-%m-%d})" for a in later
        )
        found_zh = "；".join(
            f"{GUARANTEE_ZH[GUARANTEE_RULES[a.rule]]}（{a.confirmed_at:%Y-%m-%d} 核实的部门预警）" for a in later
        )
        return Criterion(
            "guarantees_secured",
            False,
            f"screening confirmed after the township's record of {g.checked_on}: {found}",
            f"乡镇 {g.checked_on} 核查之后，筛查预警又核实了问题：{found_zh}",
            [*ref, *(f"alert:{a.alert_id}" for a in later)],
        )
    return Criterion(
        "guarantees_secured",
        True,
        f"all six secured per the township record of {g.checked_on}",
        f"据乡镇 {g.checked_on} 的核查记录，六个方面均有保障",
        ref,
    )


def income_stable(f: Facts, on: dt.date) -> Criterion:
    """Per-capita disposable income over the 12 months before the evaluation (the acceptance form counts back
    from the acceptance month) above the line, and the last months alone (the pack's `income_recent_months`)
    on course for it, annualised."""
    wanted = months_before(on, 12)
    by_month = {m.month: m.per_capita for m in f.months}
    absent = [m for m in wanted if m not in by_month]
    if absent:
        return Criterion(
            "income_stable",
            False,
            f"monthly income is not recorded for {len(absent)} of the 12 months before {on} "
            f"(first missing: {absent[0]:%Y-%m})",
            f"{on} 之前12个月中有 {len(absent)} 个月未登记月收入（最早缺 {absent[0].year}年{absent[0].month}月）",
        )
    line = f.values.line.amount
    if f.pack is None or line is None:
        return Criterion(
            "income_stable",
            False,
            f"no monitoring line is known for this region in {on.year}",
            f"本地区 {on.year} 年尚无监测标准",
        )
    n = f.values.thresholds.income_recent_months
    total = sum((by_month[m] for m in wanted), Decimal(0))
    recent = sum((by_month[m] for m in wanted[12 - n :]), Decimal(0)) * 12 / n
    refs = [f.pack.pack.ref, f"income-months:{wanted[0]:%Y-%m}..{wanted[-1]:%Y-%m}"]
    # No pack of this year is published: the latest earlier one is applied, as screening does, and said so.
    assumed = f"; the {f.pack.pack.year} line, assumed: no {on.year} line is published" if f.pack.assumed else ""
    assumed_zh = f"（{on.year} 年监测标准尚未发布，暂按 {f.pack.pack.year} 年标准）" if f.pack.assumed else ""
    if assumed:
        refs.append(f"assumed:{on.year}")
    if f.values.line.basis == "national_floor":  # the pack states no amount: the national floor, said so
        assumed += "; the national floor: the pack states no line amount"
        refs.append("national-floor")
    if total <= line:
        return Criterion(
            "income_stable",
            False,
            f"per-capita income over the 12 months, {total:,.2f} CNY, is not above the line {line:,.2f}{assumed}",
            f"近12个月人均纯收入 {total:,.2f} 元，未高于监测标准 {line:,.2f} 元{assumed_zh}",
            refs,
        )
    if recent <= line:
        return Criterion(
            "income_stable",
            False,
            f"the last {n} months annualize to {recent:,.2f} CNY, not above the line {line:,.2f}: not stable{assumed}",
            f"近{n}个月收入折合全年 {recent:,.2f} 元，未高于监测标准 {line:,.2f} 元，收入不稳定{assumed_zh}",
            refs,
        )
    return Criterion(
        "income_stable",
        True,
        f"per-capita income over the 12 months {total:,.2f} CNY (last {n} months annualized {recent:,.2f}) is "
        f"above the line {line:,.2f}{assumed}",
        f"近12个月人均纯收入 {total:,.2f} 元（近{n}个月折合全年 {recent:,.2f} 元），高于监测标准 {line:,.2f} 元"
        + assumed_zh,
        refs,
    )


def rigid_expense_resolved(f: Facts) -> Criterion:
    """The latest year's rigid expenditure within the pack's ratio of its income, leaving out the expenses a
    not-assisted finding excluded (宁开办发〔2020〕8号 五(八): 过度医疗治疗……不予帮扶)."""
    if not f.incomes:
        return Criterion("rigid_expense_resolved", False, "no yearly income and expenditure record", "尚无年度收支记录")
    latest = max(f.incomes, key=lambda i: i.year)
    ratio = f.values.thresholds.rigid_expense_ratio
    ref = [f"income:{latest.year}"]
    excluded = [
        x for x in (f.plan.not_assisted or []) if x.get("excludes") == "expense" and x.get("year") == latest.year
    ]
    left_out = sum((Decimal(x["amount"]) for x in excluded), Decimal(0))
    rigid = max(latest.rigid_expense - left_out, Decimal(0))
    also = f" (after {left_out:,.2f} not assisted: {', '.join(x['zh'] for x in excluded)})" if excluded else ""
    also_zh = f"（已扣除不予帮扶的 {left_out:,.2f} 元：{'、'.join(x['zh'] for x in excluded)}）" if excluded else ""
    ref += [f"not-assisted:{x['code']}:{x['year']}" for x in excluded]
    if rigid > ratio * latest.total_income:
        return Criterion(
            "rigid_expense_resolved",
            False,
            f"rigid expenditure {rigid:,.2f} in {latest.year}{also} still exceeds {ratio} x the income "
            f"{latest.total_income:,.2f}",
            f"{latest.year} 年刚性支出 {rigid:,.2f} 元{also_zh}，仍超过收入 {latest.total_income:,.2f} 元的 {ratio} 倍",
            ref,
        )
    return Criterion(
        "rigid_expense_resolved",
        True,
        f"rigid expenditure {rigid:,.2f} in {latest.year}{also} is within {ratio} x the income "
        f"{latest.total_income:,.2f}",
        f"{latest.year} 年刚性支出 {rigid:,.2f} 元{also_zh}，未超过收入 {latest.total_income:,.2f} 元的 {ratio} 倍",
        ref,
    )


def floor_carried_out(f: Facts, floor: list[Measure]) -> Criterion | None:
    """A household without labour capacity whose floor measure is in the plan but not carried out is not
    proposed: the floor comes first (中农组发〔2021〕7号 三(三): 对无劳动能力的，落实社会保障措施后，暂不标注
    风险消除). None: the criterion does not apply."""
    if f.labour != "none" or not floor or any(m.status == "implemented" for m in floor):
        return None
    pending = ", ".join(f"{m.code} ({m.status})" for m in floor)
    pending_zh = "、".join(f"{name_of(m.code)}（{zh(MEASURE_STATUS_ZH, m.status)}）" for m in floor)
    return Criterion(
        "social_floor_carried_out",
        False,
        f"no labour capacity, and the social floor measure is not carried out yet: {pending}",
        f"无劳动能力，兜底保障措施尚未落实：{pending_zh}",
        [f"measure:{m.code}:{m.status}" for m in floor],
    )


def evaluate(f: Facts, on: dt.date) -> Evaluation:
    criteria = [risks_matched(f), guarantees_secured(f, on), income_stable(f, on), rigid_expense_resolved(f)]
    floor = [m for m in f.measures if m.code in catalogue() and catalogue()[m.code].kind == "floor"]
    if (pending := floor_carried_out(f, floor)) is not None:
        criteria.append(pending)
    stays = f.labour == "none" and any(m.status == "implemented" for m in floor)
    if stays:
        reason = "no labour capacity and the social floor is in place: the household stays monitored (不标注风险消除)"
        reason_zh = "无劳动能力且兜底保障已落实：继续监测，不标注风险消除"
    elif all(c.met for c in criteria):
        reason, reason_zh = "all the criteria are met", "各项标准均已达到"
    else:
        reason = "not met: " + "; ".join(c.code for c in criteria if not c.met)
        reason_zh = "未达到：" + "；".join(CRITERIA_ZH[c.code] for c in criteria if not c.met)
    return Evaluation(
        household_id=str(f.plan.household_id),
        plan_id=str(f.plan.id),
        evaluated_on=on.isoformat(),
        eligible=not stays and all(c.met for c in criteria),
        stays_monitored=stays,
        reason=reason,
        reason_zh=reason_zh,
        criteria=criteria,
    )
