"""The rules themselves: pure functions of a household's profile, its current department records and the
policy in force. Each finding explains itself with the figures, thresholds and records behind it, so a
person can check it (automated findings are verified by people before anything follows from them)."""

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from common.vocabulary import LABOUR_ZH, zh
from screening.rules.catalogue import CATALOGUE

# What the rules read and answer (Income and the money formats are imported by the service and the tests from
# here as well).
from screening.rules.facts import (  # noqa: F401
    Finding,
    Income,
    Limits,
    Profile,
    Record,
    _basis,
    _certificate_zh,
    _cny,
    _yuan,
)
from screening.rules.feeds import (
    accident_loss,
    drinking_water_unsafe,
    employment_lost,
    microloan_overdue,
    natural_disaster_loss,
    serious_illness,
)

# 教育阶段, as the education department's records name them.
LEVEL_ZH = {
    "compulsory": "义务教育",
    "high_school": "普通高中",
    "vocational": "中等职业教育",
    "higher": "普通高等教育",
    "higher_vocational": "高等职业教育",
}


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
            f"{judged}年家庭人均纯收入{_yuan(inc.per_capita)}"
            + ("" if judged == year else f"（{year}年按上一年度收入判断）")
            + f"，低于防止返贫监测范围{_yuan(lim.monitoring_line)}{_basis(lim)}",
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
            f"{year}年刚性支出{_yuan(rigid)}，超过{last.year}年家庭收入{_yuan(last.total)}的"
            f"{lim.rigid_expense_ratio:.0%}{_basis(lim)}",
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
            f"家庭人均收入由{year - 1}年的{_yuan(before.per_capita)}降至{year}年的{_yuan(now.per_capita)}，"
            f"下降{drop:.0f}%，超过{lim.income_drop_ratio * 100:.0f}%{_basis(lim)}",
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
        why_zh = f"超过{_yuan(lim.medical_oop_threshold)}"
    elif share is not None and share > lim.medical_oop_income_share:
        why = f"is {share:.0%} of the yearly income, above {lim.medical_oop_income_share:.0%}"
        why_zh = f"占家庭年收入的{share:.0%}，超过{lim.medical_oop_income_share:.0%}"
    else:
        return None
    return Finding(
        "medical_out_of_pocket_high",
        f"out-of-pocket medical cost {_cny(oop)} in {year} {why} ({lim.policy_ref})",
        refs,
        f"{year}年医疗个人自付费用{_yuan(oop)}，{why_zh}{_basis(lim)}",
    )


HIGHER = ("higher", "higher_vocational")


def higher_education_without_aid(p: Profile, recs: list[Record], lim: Limits, year: int) -> Finding | None:
    """宁开办发〔2020〕8号 三(二)②: 家庭供养2个及以上全日制普通高校在校生（含高职学生）且未享受助学政策或享受后个人
    常规花费开支较大的."""
    students = {
        r.id_index: r
        for r in recs
        if r.department == "education"
        and r.facts["level"] in HIGHER
        and r.facts["status"] == "enrolled"
        and r.facts.get("full_time", True)
        and (
            Decimal(r.facts["aid_granted"]) == 0 or Decimal(r.facts.get("out_of_pocket", 0)) > lim.higher_education_oop
        )
    }
    if len(students) >= 2:
        aided = sum(Decimal(r.facts["aid_granted"]) > 0 for r in students.values())
        why = (
            "none receives aid"
            if not aided
            else (f"{aided} receive aid but pay more than {_cny(lim.higher_education_oop)} themselves")
        )
        why_zh = (
            "均未享受助学政策"
            if not aided
            else f"其中{aided}人享受助学后个人自付仍超过{_yuan(lim.higher_education_oop)}"
        )
        return Finding(
            "higher_education_without_aid",
            f"{len(students)} members are in full-time higher education in {year} and {why}",
            [r.ref for r in students.values()],
            f"{year}年家庭供养{len(students)}名全日制普通高校（含高职）在校生，{why_zh}",
        )
    return None


def severe_disability_lost_labour(p: Profile, recs: list[Record], lim: Limits, year: int) -> Finding | None:
    labour = {m["id_index"]: m["labour_capacity"] for m in p.members if m.get("active", True)}
    for r in recs:
        if r.department != "disability" or r.facts["action"] == "cancelled":
            continue
        if _severe(r) and labour.get(r.id_index) in ("none", "lost"):
            return Finding(
                "severe_disability_lost_labour",
                f"a member holds a grade {r.facts['grade']} "
                f"{r.facts['category']} disability certificate and has no labour capacity",
                [r.ref],
                f"家庭成员持{_certificate_zh(r)}，{zh(LABOUR_ZH, labour.get(r.id_index))}",
            )
    return None


def _severe(r: Record) -> bool:
    return bool(r.facts["grade"] <= 2 or (r.facts["grade"] <= 4 and r.facts["category"] in ("mental", "intellectual")))


def _certificates(recs: list[Record]) -> list[Record]:
    return [r for r in recs if r.department == "disability" and r.facts["action"] != "cancelled"]


def disability_special_attention(p: Profile, recs: list[Record], lim: Limits, year: int) -> Finding | None:
    """《仲恺高新区健全防止返贫动态监测和帮扶机制工作方案》(2021) 二(一): 重点关注……3级、4级精神残疾人及智力残疾人
    (whatever the labour capacity)."""
    found = [
        r
        for r in _certificates(recs)
        if r.facts["grade"] in (3, 4) and r.facts["category"] in ("mental", "intellectual")
    ]
    if found:
        r = found[0]
        return Finding(
            "disability_special_attention",
            f"a member holds a grade {r.facts['grade']} {r.facts['category']} disability certificate: a special "
            "attention case whatever the labour capacity",
            [x.ref for x in found],
            f"家庭成员持{_certificate_zh(r)}，不论劳动能力均属重点关注对象",
        )
    return None


def disability_partial_labour(p: Profile, recs: list[Record], lim: Limits, year: int) -> Finding | None:
    """宁开办发〔2020〕8号 三(一)⑥: 家庭主要劳动力因残完全丧失或部分丧失劳动力的; 三(二)④: ……且就业不稳或家庭收入
    来源不稳定的 (whether the work is stable is for the verification on the spot)."""
    labour = {m["id_index"]: m["labour_capacity"] for m in p.members if m.get("active", True)}
    found = [
        r
        for r in _certificates(recs)
        if labour.get(r.id_index) == "partial" or (labour.get(r.id_index) in ("none", "lost") and not _severe(r))
    ]
    if found:
        r = found[0]
        return Finding(
            "disability_partial_labour",
            f"a member holds a grade {r.facts['grade']} {r.facts['category']} disability certificate and has "
            f"{labour[r.id_index]} labour capacity: check on the spot whether the work or income is stable",
            [x.ref for x in found],
            f"家庭成员持{_certificate_zh(r)}，劳动能力为{zh(LABOUR_ZH, labour[r.id_index])}："
            "请入户核实就业或收入是否稳定",
        )
    return None


def civil_affairs_low_income(p: Profile, recs: list[Record], lim: Limits, year: int) -> Finding | None:
    """《仲恺高新区健全防止返贫动态监测和帮扶机制工作方案》(2021) 二(二): 将我区防止返贫动态监测和民政部门低收入
    人口动态监测的要求相结合."""
    found = [
        r
        for r in recs
        if r.department == "civil-affairs" and r.facts["kind"] in ("low_income_registered", "temporary_assistance")
    ]
    if found:
        kinds = sorted(
            {
                "registered as low-income"
                if r.facts["kind"] == "low_income_registered"
                else "given temporary assistance"
                for r in found
            }
        )
        kinds_zh = "、".join(
            sorted({"纳入低收入人口" if r.facts["kind"] == "low_income_registered" else "获临时救助" for r in found})
        )
        return Finding(
            "civil_affairs_low_income",
            f"civil affairs: {' and '.join(kinds)} in {year}: cross-check the household's situation",
            [r.ref for r in found],
            f"民政部门数据：{year}年{kinds_zh}，请比对核实家庭情况",
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
            f"住房安全鉴定为{unsafe[-1].facts['grade']}级危房，尚无改造完成记录",
        )
    return None


def school_dropout(p: Profile, recs: list[Record], lim: Limits, year: int) -> Finding | None:
    out = [r for r in recs if r.department == "education" and r.facts["status"] == "dropout"]
    if out:
        return Finding(
            "school_dropout",
            f"{len(out)} member(s) dropped out of {out[0].facts['level']} education",
            [r.ref for r in out],
            f"{len(out)}名家庭成员{zh(LEVEL_ZH, out[0].facts['level'])}阶段辍学",
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
            f"新纳入{'低保' if new[0].facts['kind'] == 'dibao_enrolled' else '特困供养'}，请比对核实家庭情况",
        )
    return None


def main_labourer_death(p: Profile, recs: list[Record], lim: Limits, year: int) -> Finding | None:
    labourers = {m["id_index"] for m in p.members if m["labour_capacity"] == "full"}
    deaths = [
        r for r in recs if r.department == "civil-affairs" and r.facts["kind"] == "death" and r.id_index in labourers
    ]
    if deaths:
        return Finding(
            "main_labourer_death",
            "a member with full labour capacity has died",
            [r.ref for r in deaths],
            "家庭主要劳动力（普通劳动力）死亡",
        )
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
        disability_special_attention,
        disability_partial_labour,
        civil_affairs_low_income,
        main_labourer_death,
        natural_disaster_loss,
        accident_loss,
        employment_lost,
        serious_illness,
        drinking_water_unsafe,
        microloan_overdue,
    )
}
assert set(RULES) == set(CATALOGUE), "every catalogued rule has an implementation"


# The rules that can fire for a household without any department record: they read its incomes (and, for
# the rigid expense, medical records when there are any). Every other rule reads only records, so it cannot
# fire without them. Re-screening's prefilter (policies/rescreen.py) relies on this; a fast test holds it.
INCOME_RULES = ("income_below_line", "income_drop", "rigid_expense_exceeds_income")


def setting(limits: Limits, code: str) -> dict[str, Any]:
    """A rule's setting under a policy: the pack's, else the catalogue's."""
    return limits.rules.get(code) or DEFAULT_SETTINGS[code]


def evaluate(profile: Profile, records: list[Record], limits: Limits, year: int) -> list[tuple[Finding, str]]:
    """Findings of the enabled rules for a year, each with the grade the policy gives it."""
    out = []
    of_year = [r for r in records if r.year == year]  # once, not once per rule (the hot path of every feed)
    # Without a record of the year only the income rules can fire (a fast test runs every rule to hold it):
    # re-screening a county is mostly such households.
    for code, rule in RULES.items() if of_year else _INCOME_ONLY:
        rule_setting = setting(limits, code)
        if rule_setting["enabled"] and (finding := rule(profile, of_year, limits, year)):
            out.append((finding, rule_setting["grade"]))
    return out


_INCOME_ONLY = [(code, RULES[code]) for code in INCOME_RULES]

# A rule's setting where the policy says nothing of it: the catalogue's.
DEFAULT_SETTINGS = {code: {"enabled": r.enabled, "grade": r.grade.value} for code, r in CATALOGUE.items()}
