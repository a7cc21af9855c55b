"""The four criteria of risk elimination (the acceptance form of
《仲恺高新区健全防止返贫动态监测和帮扶机制工作方案》(2021)), computed from data, each with its
evidence. A household without labour capacity whose social floor is in place is never proposed: it stays
monitored (中农组发〔2021〕7号, 风险消除)."""

import datetime as dt
import uuid
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, NamedTuple

from assistance.catalogue.service import catalogue
from assistance.plans.models import Plan
from assistance.projections.models import PolicyPack
from common import clock
from common.policy import InForce
from contracts.policy import PackValues

# Screening rules whose confirmed alert means a guarantee is not secured (housing safety, compulsory education).
GUARANTEE_RULES = {"housing_unsafe": "housing", "school_dropout": "compulsory_education"}
GUARANTEES = ("food", "clothing", "compulsory_education", "basic_medical", "housing", "drinking_water")


@dataclass(frozen=True)
class Criterion:
    code: str
    met: bool
    explanation: str
    evidence: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Evaluation:
    household_id: str
    plan_id: str
    evaluated_on: str
    eligible: bool
    stays_monitored: bool
    reason: str
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
            "criteria": [
                {"code": c.code, "met": c.met, "explanation": c.explanation, "evidence": list(c.evidence)}
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
            "risks_matched", False, f"no implemented measure yet for the risk(s): {', '.join(missing)}", evidence
        )
    return Criterion("risks_matched", True, "every original risk has an implemented matching measure", evidence)


def guarantees_secured(f: Facts, on: dt.date) -> Criterion:
    g = f.guarantee
    if g is None:
        return Criterion("guarantees_secured", False, "no township record of 两不愁三保障 and drinking water")
    ref = [f"guarantee-check:{g.id}:{g.checked_on}"]
    if (on - g.checked_on).days > f.values.thresholds.guarantee_check_max_age_days:
        return Criterion(
            "guarantees_secured", False, f"the latest township record ({g.checked_on}) is over a year old", ref
        )
    unsecured = [name for name in GUARANTEES if not g.secured[name]]
    if unsecured:
        return Criterion("guarantees_secured", False, f"not secured on {g.checked_on}: {', '.join(unsecured)}", ref)
    later = [a for a in f.alerts if a.rule in GUARANTEE_RULES and clock.cst_date(a.confirmed_at) >= g.checked_on]
    if later:  # screening's data is newer than the township's record
        found = "; ".join(
            f"{GUARANTEE_RULES[a.rule]}: {a.explanation} (confirmed {a.confirmed_at:%Y-%m-%d})" for a in later
        )
        return Criterion(
            "guarantees_secured",
            False,
            f"screening confirmed after the township's record of {g.checked_on}: {found}",
            [*ref, *(f"alert:{a.alert_id}" for a in later)],
        )
    return Criterion("guarantees_secured", True, f"all six secured per the township record of {g.checked_on}", ref)


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
        )
    line = f.values.line.amount
    if f.pack is None or line is None:
        return Criterion("income_stable", False, f"no monitoring line is known for this region in {on.year}")
    n = f.values.thresholds.income_recent_months
    total = sum((by_month[m] for m in wanted), Decimal(0))
    recent = sum((by_month[m] for m in wanted[12 - n :]), Decimal(0)) * 12 / n
    refs = [f.pack.pack.ref, f"income-months:{wanted[0]:%Y-%m}..{wanted[-1]:%Y-%m}"]
    # No pack of this year is published: the latest earlier one is applied, as screening does, and said so.
    assumed = f"; the {f.pack.pack.year} line, assumed: no {on.year} line is published" if f.pack.assumed else ""
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
            refs,
        )
    if recent <= line:
        return Criterion(
            "income_stable",
            False,
            f"the last {n} months annualize to {recent:,.2f} CNY, not above the line {line:,.2f}: not stable{assumed}",
            refs,
        )
    return Criterion(
        "income_stable",
        True,
        f"per-capita income over the 12 months {total:,.2f} CNY (last {n} months annualized {recent:,.2f}) is "
        f"above the line {line:,.2f}{assumed}",
        refs,
    )


def rigid_expense_resolved(f: Facts) -> Criterion:
    """The latest year's rigid expenditure within the pack's ratio of its income, leaving out the expenses a
    not-assisted finding excluded (宁开办发〔2020〕8号 五(八): 过度医疗治疗……不予帮扶)."""
    if not f.incomes:
        return Criterion("rigid_expense_resolved", False, "no yearly income and expenditure record")
    latest = max(f.incomes, key=lambda i: i.year)
    ratio = f.values.thresholds.rigid_expense_ratio
    ref = [f"income:{latest.year}"]
    excluded = [
        x for x in (f.plan.not_assisted or []) if x.get("excludes") == "expense" and x.get("year") == latest.year
    ]
    left_out = sum((Decimal(x["amount"]) for x in excluded), Decimal(0))
    rigid = max(latest.rigid_expense - left_out, Decimal(0))
    also = f" (after {left_out:,.2f} not assisted: {', '.join(x['zh'] for x in excluded)})" if excluded else ""
    ref += [f"not-assisted:{x['code']}:{x['year']}" for x in excluded]
    if rigid > ratio * latest.total_income:
        return Criterion(
            "rigid_expense_resolved",
            False,
            f"rigid expenditure {rigid:,.2f} in {latest.year}{also} still exceeds {ratio} x the income "
            f"{latest.total_income:,.2f}",
            ref,
        )
    return Criterion(
        "rigid_expense_resolved",
        True,
        f"rigid expenditure {rigid:,.2f} in {latest.year}{also} is within {ratio} x the income "
        f"{latest.total_income:,.2f}",
        ref,
    )


def floor_carried_out(f: Facts, floor: list[Measure]) -> Criterion | None:
    """A household without labour capacity whose floor measure is in the plan but not carried out is not
    proposed: the floor comes first (中农组发〔2021〕7号 三(三): 对无劳动能力的，落实社会保障措施后，暂不标注
    风险消除). None: the criterion does not apply."""
    if f.labour != "none" or not floor or any(m.status == "implemented" for m in floor):
        return None
    pending = ", ".join(f"{m.code} ({m.status})" for m in floor)
    return Criterion(
        "social_floor_carried_out",
        False,
        f"no labour capacity, and the social floor measure is not carried out yet: {pending}",
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
    elif all(c.met for c in criteria):
        reason = "all the criteria are met"
    else:
        reason = "not met: " + "; ".join(c.code for c in criteria if not c.met)
    return Evaluation(
        household_id=str(f.plan.household_id),
        plan_id=str(f.plan.id),
        evaluated_on=on.isoformat(),
        eligible=not stays and all(c.met for c in criteria),
        stays_monitored=stays,
        reason=reason,
        criteria=criteria,
    )
