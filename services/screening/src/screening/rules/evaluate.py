"""The rules themselves: pure functions of a household's profile, its current department records and the
policy in force. Each finding explains itself with the figures, thresholds and records behind it, so a
person can check it (automated findings are verified by people before anything follows from them)."""

from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from screening.rules.catalogue import CATALOGUE


@dataclass(frozen=True)
class Record:
    ref: str  # department:record_id@revision
    department: str
    id_index: str
    year: int
    facts: dict[str, Any]


@dataclass(frozen=True)
class Income:
    year: int
    per_capita: Decimal
    total: Decimal
    rigid_expense: Decimal


@dataclass(frozen=True)
class Profile:
    members: list[dict[str, Any]]
    incomes: dict[int, Income]


@dataclass(frozen=True)
class Limits:
    policy_ref: str
    monitoring_line: Decimal | None  # None: the pack's document states no line, so no income is judged by one
    rigid_expense_ratio: Decimal
    income_drop_ratio: Decimal
    medical_oop_threshold: Decimal
    medical_oop_income_share: Decimal
    rules: dict[str, dict[str, Any]]
    income_year_offset: int = 0  # which year's income a screening year judges (-1: the previous year's)
    verification_working_days: int = 10  # an alert's grassroots verification is due within these


@dataclass(frozen=True)
class Finding:
    rule: str
    explanation: str
    evidence: list[str] = field(default_factory=list)


def _cny(x: Decimal) -> str:
    return f"{x:,.2f} CNY"


def income_below_line(p: Profile, recs: list[Record], lim: Limits, year: int) -> Finding | None:
    judged = year + lim.income_year_offset
    inc = p.incomes.get(judged)
    if inc and lim.monitoring_line is not None and inc.per_capita < lim.monitoring_line:
        which = f"in {judged}" if judged == year else f"in {judged} (the previous year's, which {year} screens on)"
        return Finding(
            "income_below_line",
            f"per-capita net income {_cny(inc.per_capita)} {which} is below the "
            f"monitoring line {_cny(lim.monitoring_line)} ({lim.policy_ref})",
            [f"income:{judged}"],
        )
    return None


def _medical_oop(recs: list[Record]) -> tuple[Decimal, list[str]]:
    medical = [r for r in recs if r.department == "medical-insurance"]
    settled = sum((Decimal(r.facts["out_of_pocket"]) for r in medical if r.facts["kind"] == "settlement"), Decimal(0))
    annual = max(
        (Decimal(r.facts["out_of_pocket"]) for r in medical if r.facts["kind"] == "annual_accumulation"),
        default=Decimal(0),
    )
    return max(settled, annual), [r.ref for r in medical]


def rigid_expense_exceeds_income(p: Profile, recs: list[Record], lim: Limits, year: int) -> Finding | None:
    last = p.incomes.get(year - 1) or p.incomes.get(year)
    if last is None or last.total <= 0:
        return None
    oop, refs = _medical_oop(recs)
    rigid = max(p.incomes[year].rigid_expense if year in p.incomes else Decimal(0), oop)
    if rigid > lim.rigid_expense_ratio * last.total:
        return Finding(
            "rigid_expense_exceeds_income",
            f"rigid expenditure {_cny(rigid)} in {year} exceeds "
            f"{lim.rigid_expense_ratio} x the {last.year} income {_cny(last.total)} ({lim.policy_ref})",
            [*refs, f"income:{last.year}"],
        )
    return None


def income_drop(p: Profile, recs: list[Record], lim: Limits, year: int) -> Finding | None:
    now, before = p.incomes.get(year), p.incomes.get(year - 1)
    if now and before and before.per_capita > 0 and now.per_capita < (1 - lim.income_drop_ratio) * before.per_capita:
        drop = (1 - now.per_capita / before.per_capita) * 100
        return Finding(
            "income_drop",
            f"per-capita income fell {drop:.0f}% from {_cny(before.per_capita)} ({year - 1}) "
            f"to {_cny(now.per_capita)} ({year}); the threshold is {lim.income_drop_ratio * 100:.0f}%",
            [f"income:{year - 1}", f"income:{year}"],
        )
    return None


def medical_out_of_pocket_high(p: Profile, recs: list[Record], lim: Limits, year: int) -> Finding | None:
    oop, refs = _medical_oop(recs)
    if not refs:
        return None
    inc = p.incomes.get(year) or p.incomes.get(year - 1)
    share = (oop / inc.total) if inc and inc.total > 0 else None
    if oop > lim.medical_oop_threshold:
        why = f"exceeds the threshold {_cny(lim.medical_oop_threshold)}"
    elif share is not None and share > lim.medical_oop_income_share:
        why = f"is {share:.0%} of the yearly income, above {lim.medical_oop_income_share:.0%}"
    else:
        return None
    return Finding(
        "medical_out_of_pocket_high", f"out-of-pocket medical cost {_cny(oop)} in {year} {why} ({lim.policy_ref})", refs
    )


def higher_education_without_aid(p: Profile, recs: list[Record], lim: Limits, year: int) -> Finding | None:
    students = {
        r.id_index: r
        for r in recs
        if r.department == "education"
        and r.facts["level"] == "higher"
        and r.facts["status"] == "enrolled"
        and Decimal(r.facts["aid_granted"]) == 0
    }
    if len(students) >= 2:
        return Finding(
            "higher_education_without_aid",
            f"{len(students)} members are in higher education in {year} and none receives aid",
            [r.ref for r in students.values()],
        )
    return None


def severe_disability_lost_labour(p: Profile, recs: list[Record], lim: Limits, year: int) -> Finding | None:
    labour = {m["id_index"]: m["labour_capacity"] for m in p.members if m.get("active", True)}
    for r in recs:
        if r.department != "disability" or r.facts["action"] == "cancelled":
            continue
        severe = r.facts["grade"] <= 2 or (r.facts["grade"] <= 4 and r.facts["category"] in ("mental", "intellectual"))
        if severe and labour.get(r.id_index) in ("none", "lost"):
            return Finding(
                "severe_disability_lost_labour",
                f"a member holds a grade {r.facts['grade']} "
                f"{r.facts['category']} disability certificate and has no labour capacity",
                [r.ref],
            )
    return None


def housing_unsafe(p: Profile, recs: list[Record], lim: Limits, year: int) -> Finding | None:
    housing = sorted((r for r in recs if r.department == "housing"), key=lambda r: r.ref)
    unsafe = [r for r in housing if r.facts["kind"] == "appraisal" and r.facts.get("grade") in ("C", "D")]
    if unsafe and not any(r.facts["kind"] == "renovation_completed" for r in housing):
        return Finding(
            "housing_unsafe",
            f"the house was appraised grade {unsafe[-1].facts['grade']} and no renovation is recorded",
            [r.ref for r in unsafe],
        )
    return None


def school_dropout(p: Profile, recs: list[Record], lim: Limits, year: int) -> Finding | None:
    out = [r for r in recs if r.department == "education" and r.facts["status"] == "dropout"]
    if out:
        return Finding(
            "school_dropout",
            f"{len(out)} member(s) dropped out of {out[0].facts['level']} education",
            [r.ref for r in out],
        )
    return None


def new_social_floor_enrolment(p: Profile, recs: list[Record], lim: Limits, year: int) -> Finding | None:
    new = [
        r for r in recs if r.department == "civil-affairs" and r.facts["kind"] in ("dibao_enrolled", "tekun_enrolled")
    ]
    if new:
        return Finding(
            "new_social_floor_enrolment",
            f"newly enrolled in {new[0].facts['kind'].split('_')[0]} support: cross-check the household's situation",
            [r.ref for r in new],
        )
    return None


def main_labourer_death(p: Profile, recs: list[Record], lim: Limits, year: int) -> Finding | None:
    labourers = {m["id_index"] for m in p.members if m["labour_capacity"] == "full"}
    deaths = [
        r for r in recs if r.department == "civil-affairs" and r.facts["kind"] == "death" and r.id_index in labourers
    ]
    if deaths:
        return Finding("main_labourer_death", "a member with full labour capacity has died", [r.ref for r in deaths])
    return None


RULES: dict[str, Callable[[Profile, list[Record], Limits, int], Finding | None]] = {
    f.__name__: f
    for f in (
        income_below_line,
        rigid_expense_exceeds_income,
        income_drop,
        medical_out_of_pocket_high,
        higher_education_without_aid,
        severe_disability_lost_labour,
        housing_unsafe,
        school_dropout,
        new_social_floor_enrolment,
        main_labourer_death,
    )
}
assert set(RULES) == set(CATALOGUE), "every catalogued rule has an implementation"


def evaluate(profile: Profile, records: list[Record], limits: Limits, year: int) -> list[tuple[Finding, str]]:
    """Findings of the enabled rules for a year, each with the grade the policy gives it."""
    out = []
    for code, rule in RULES.items():
        setting = limits.rules.get(code, {"enabled": True, "grade": CATALOGUE[code].grade.value})
        if setting["enabled"] and (finding := rule(profile, [r for r in records if r.year == year], limits, year)):
            out.append((finding, setting["grade"]))
    return out
