"""The rules as pure functions (no database, no broker: `make test-fast`): each fires on the facts its
explanation names, stays silent just below its threshold, and a policy can switch it off or regrade it."""

from decimal import Decimal as D
from typing import Any

import pytest

from screening.rules.catalogue import CATALOGUE
from screening.rules.evaluate import RULES, Income, Limits, Profile, Record, evaluate

YEAR = 2026
LIMITS = Limits(
    policy_ref="test policy v1",
    monitoring_line=D("6000"),
    rigid_expense_ratio=D("0.5"),
    income_drop_ratio=D("0.3"),
    medical_oop_threshold=D("20000"),
    medical_oop_income_share=D("0.5"),
    rules={},
)
HEAD = {"id_index": "h", "labour_capacity": "full", "active": True}
SON = {"id_index": "s", "labour_capacity": "none", "active": True}


def income(year: int, per_capita: str, total: str = "40000", rigid: str = "0") -> Income:
    return Income(year, D(per_capita), D(total), D(rigid))


def record(department: str, who: str = "h", year: int = YEAR, n: int = 1, **facts: Any) -> Record:
    return Record(f"{department}:r{n}@1", department, who, year, facts)


def profile(*incomes: Income, members: tuple[dict[str, Any], ...] = (HEAD, SON)) -> Profile:
    return Profile(list(members), {i.year: i for i in incomes})


def fired(p: Profile, recs: list[Record], limits: Limits = LIMITS) -> dict[str, str]:
    return {f.rule: grade for f, grade in evaluate(p, recs, limits, YEAR)}


def test_every_catalogued_rule_is_implemented_and_nothing_fires_on_an_ordinary_household() -> None:
    assert set(RULES) == set(CATALOGUE)
    assert fired(profile(income(YEAR - 1, "9000"), income(YEAR, "9000")), []) == {}


@pytest.mark.parametrize(
    ("per_capita", "fires"), [("5999.99", True), ("6000", False)], ids=["below the line", "at the line"]
)
def test_income_below_the_monitoring_line(per_capita: str, fires: bool) -> None:
    result = fired(profile(income(YEAR, per_capita)), [])
    assert ("income_below_line" in result) is fires


def test_an_income_drop_beyond_the_ratio_names_both_years() -> None:
    p = profile(income(YEAR - 1, "10000"), income(YEAR, "6900"))
    (finding,) = [f for f, _ in evaluate(p, [], LIMITS, YEAR) if f.rule == "income_drop"]
    assert "31%" in finding.explanation and finding.evidence == [f"income:{YEAR - 1}", f"income:{YEAR}"]
    assert "income_drop" not in fired(profile(income(YEAR - 1, "10000"), income(YEAR, "7000")), [])


def test_medical_cost_by_amount_or_by_share_of_income() -> None:
    p = profile(income(YEAR, "9000", total="30000"))
    big = [record("medical-insurance", kind="settlement", out_of_pocket="20000.01")]
    share = [record("medical-insurance", kind="annual_accumulation", out_of_pocket="15001")]
    small = [record("medical-insurance", kind="settlement", out_of_pocket="14999")]
    assert "medical_out_of_pocket_high" in fired(p, big)
    assert "medical_out_of_pocket_high" in fired(p, share)  # 15,001 of 30,000 is above half
    assert "medical_out_of_pocket_high" not in fired(p, small)


def test_housing_unsafe_until_a_renovation_is_recorded() -> None:
    p = profile(income(YEAR, "9000"))
    appraised = record("housing", kind="appraisal", grade="D")
    assert "housing_unsafe" in fired(p, [appraised])
    assert "housing_unsafe" not in fired(p, [appraised, record("housing", n=2, kind="renovation_completed")])
    assert "housing_unsafe" not in fired(p, [record("housing", kind="appraisal", grade="B")])


def test_records_of_another_year_are_not_judged_in_this_one() -> None:
    p = profile(income(YEAR, "9000"))
    assert "housing_unsafe" not in fired(p, [record("housing", year=YEAR - 1, kind="appraisal", grade="D")])


def test_severe_disability_counts_only_for_a_member_without_labour() -> None:
    p = profile(income(YEAR, "9000"))
    son = record("disability", who="s", action="issued", grade=1, category="physical")
    head = record("disability", who="h", action="issued", grade=1, category="physical")
    mental = record("disability", who="s", action="issued", grade=4, category="mental")
    assert "severe_disability_lost_labour" in fired(p, [son])
    assert "severe_disability_lost_labour" in fired(p, [mental])
    assert "severe_disability_lost_labour" not in fired(p, [head])


def test_death_of_the_main_labourer_and_two_students_without_aid() -> None:
    p = profile(income(YEAR, "9000"))
    assert "main_labourer_death" in fired(p, [record("civil-affairs", kind="death")])
    assert "main_labourer_death" not in fired(p, [record("civil-affairs", who="s", kind="death")])
    students = [
        record("education", who=w, n=i, level="higher", status="enrolled", aid_granted="0")
        for i, w in enumerate(("h", "s"))
    ]
    assert "higher_education_without_aid" in fired(p, students)
    assert "higher_education_without_aid" not in fired(p, students[:1])


def test_a_policy_switches_a_rule_off_or_regrades_it() -> None:
    p = profile(income(YEAR, "5000"))
    default = CATALOGUE["income_below_line"].grade.value
    assert fired(p, []) == {"income_below_line": default}
    off = Limits(**{**LIMITS.__dict__, "rules": {"income_below_line": {"enabled": False, "grade": "red"}}})
    red = Limits(**{**LIMITS.__dict__, "rules": {"income_below_line": {"enabled": True, "grade": "red"}}})
    assert fired(p, [], off) == {}
    assert fired(p, [], red) == {"income_below_line": "red"}


def test_a_policy_may_screen_a_year_on_the_previous_years_income() -> None:
    previous = Limits(**{**LIMITS.__dict__, "income_year_offset": -1})
    p = profile(income(YEAR - 1, "5000"), income(YEAR, "9000"))
    assert "income_below_line" in fired(p, [], previous)  # last year's 5,000 judges this year
    assert "income_below_line" not in fired(p, [])  # this year's 9,000 does, by default


def on(*codes: str) -> Limits:
    """The limits with rules a pack turns on (off in the catalogue)."""
    return Limits(
        **{**LIMITS.__dict__, "rules": {c: {"enabled": True, "grade": CATALOGUE[c].grade.value} for c in codes}}
    )


def test_a_grade_3_or_4_mental_disability_is_special_attention_whatever_the_labour_where_the_pack_says() -> None:
    """《仲恺高新区健全防止返贫动态监测和帮扶机制工作方案》(2021) 二(一): 重点关注……3级、4级精神残疾人及智力残疾人."""
    cert = record("disability", "h", action="issued", category="mental", grade=3)  # HEAD works: full labour
    assert "disability_special_attention" not in fired(profile(), [cert])  # off unless a pack turns it on
    result = fired(profile(), [cert], on("disability_special_attention"))
    assert result == {"disability_special_attention": "yellow"}  # not severe_disability_lost_labour: HEAD works
    physical = record("disability", "h", action="issued", category="physical", grade=3)
    assert fired(profile(), [physical], on("disability_special_attention")) == {}


def test_partial_loss_of_labour_through_disability_counts_where_the_pack_says() -> None:
    """宁开办发〔2020〕8号 三(一)⑥: 家庭主要劳动力因残完全丧失或部分丧失劳动力的."""
    partial = {"id_index": "h", "labour_capacity": "partial", "active": True}
    cert = record("disability", "h", action="issued", category="physical", grade=3)
    assert fired(profile(members=(partial,)), [cert]) == {}
    assert fired(profile(members=(partial,)), [cert], on("disability_partial_labour")) == {
        "disability_partial_labour": "orange"
    }
    # A severe certificate without labour is the severe rule's, not counted twice.
    severe = record("disability", "s", action="issued", category="physical", grade=1)
    assert fired(profile(), [severe], on("disability_partial_labour")) == {"severe_disability_lost_labour": "red"}


def test_two_students_in_higher_education_counting_gaozhi_with_no_aid_or_high_costs_despite_aid() -> None:
    """宁开办发〔2020〕8号 三(二)②: 家庭供养2个及以上全日制普通高校在校生（含高职学生）且未享受助学政策或享受后个人
    常规花费开支较大的."""

    def student(who: str, level: str, aid: str, oop: str = "0", n: int = 1) -> Record:
        facts = {"level": level, "status": "enrolled", "full_time": True, "aid_granted": aid, "out_of_pocket": oop}
        return record("education", who, n=n, **facts)

    gaozhi = [student("h", "higher", "0"), student("s", "higher_vocational", "0", n=2)]
    assert "higher_education_without_aid" in fired(profile(), gaozhi)
    aided_but_costly = [student("h", "higher", "3000", "12000"), student("s", "higher_vocational", "0", n=2)]
    (finding,) = [f for f, _ in evaluate(profile(), aided_but_costly, LIMITS, YEAR) if f.rule.startswith("higher")]
    assert "1 receive aid but pay more than 10,000.00 CNY" in finding.explanation
    aided_and_cheap = [student("h", "higher", "3000", "2000"), student("s", "higher_vocational", "0", n=2)]
    assert "higher_education_without_aid" not in fired(profile(), aided_and_cheap)
    secondary = [student("h", "vocational", "0"), student("s", "higher", "0", n=2)]  # 中职 is not 高职
    assert "higher_education_without_aid" not in fired(profile(), secondary)


@pytest.mark.parametrize("kind", ["low_income_registered", "temporary_assistance"])
def test_civil_affairs_low_income_and_temporary_assistance_feed_a_rule(kind: str) -> None:
    """《仲恺高新区健全防止返贫动态监测和帮扶机制工作方案》(2021) 二(二): 将我区防止返贫动态监测和民政部门低收入人口动态
    监测的要求相结合."""
    assert fired(profile(), [record("civil-affairs", kind=kind)]) == {"civil_affairs_low_income": "yellow"}


def test_every_rule_explains_itself_in_chinese_to_the_cadre_who_verifies_it() -> None:
    """Every finding carries its explanation in Chinese, with the figures and the policy it was judged by,
    and no code of the system (physical, partial, higher) in it."""
    zh_limits = Limits(**{**on(*CATALOGUE).__dict__, "policy_ref_zh": "弥勒市2026年监测政策（第1版）"})
    partial = {"id_index": "p", "labour_capacity": "partial", "active": True}
    worker = {"id_index": "w", "labour_capacity": "full", "active": True}
    p = profile(income(YEAR - 1, "12000", total="48000"), income(YEAR, "5000", total="20000", rigid="15000"))
    scenes = [
        (p, [record("medical-insurance", kind="settlement", out_of_pocket="25000")]),
        (
            profile(members=(HEAD, SON, partial)),
            [record("disability", "s", action="issued", category="physical", grade=1)],
        ),
        (profile(members=(partial,)), [record("disability", "p", action="issued", category="physical", grade=3)]),
        (profile(members=(worker,)), [record("disability", "w", action="issued", category="mental", grade=3)]),
        (profile(), [record("housing", kind="appraisal", grade="D")]),
        (profile(), [record("education", kind="x", level="compulsory", status="dropout")]),
        (profile(), [record("civil-affairs", kind="dibao_enrolled")]),
        (profile(), [record("civil-affairs", kind="low_income_registered")]),
        (profile(), [record("civil-affairs", kind="death")]),
        (profile(), [record("emergency-management", kind="natural_disaster", hazard="flood", direct_loss="30000")]),
        (profile(), [record("emergency-management", kind="fire", hazard="fire", direct_loss="0", house_damaged=True)]),
        (profile(), [record("human-resources", kind="returned_migrant")]),
        (profile(), [record("health", kind="diagnosis", disease_category="major")]),
        (profile(), [record("water", kind="unsafe", issue="quality")]),
        (profile(), [record("finance", kind="loan_overdue", loan_id="L1", amount="30000", overdue_days=45)]),
        (
            profile(),
            [
                record("education", w, n=i, level="higher", status="enrolled", aid_granted="0")
                for i, w in enumerate(("h", "s"))
            ],
        ),
    ]
    explained = {f.rule: f.explanation_zh for scene in scenes for f, _ in evaluate(*scene, zh_limits, YEAR)}
    assert set(explained) == set(RULES)
    for rule, text in explained.items():
        assert text and not any(word in text for word in ("CNY", "physical", "mental", "partial", "compulsory")), text
    assert explained["income_below_line"] == (
        "2026年家庭人均纯收入5,000.00元，低于防止返贫监测范围6,000.00元（依据：弥勒市2026年监测政策（第1版））"
    )
    assert explained["severe_disability_lost_labour"] == "家庭成员持残疾证（肢体残疾1级），无劳动力"
    assert explained["school_dropout"] == "1名家庭成员义务教育阶段辍学"


def test_a_disaster_or_an_accident_counts_from_the_packs_loss_or_when_the_house_or_a_person_is_hurt() -> None:
    """中农组发〔2021〕7号: 因灾、因意外事故……导致基本生活出现严重困难, from emergency management's records."""

    def struck(**facts: Any) -> dict[str, str]:
        return fired(profile(), [record("emergency-management", **facts)])

    assert struck(kind="natural_disaster", hazard="flood", direct_loss="10000") == {"natural_disaster_loss": "red"}
    assert struck(kind="natural_disaster", hazard="drought", direct_loss="9999.99") == {}
    assert struck(kind="natural_disaster", hazard="earthquake", direct_loss="0", injured=1) == {
        "natural_disaster_loss": "red"
    }
    assert struck(kind="accident", hazard="traffic", direct_loss="0", deaths=1) == {"accident_loss": "red"}
    high = Limits(**{**LIMITS.__dict__, "disaster_loss": D("50000")})
    flood = [record("emergency-management", kind="natural_disaster", hazard="flood", direct_loss="30000")]
    assert fired(profile(), flood, high) == {}  # the pack's threshold decides
    (finding,) = [f for f, _ in evaluate(profile(), flood, LIMITS, YEAR)]
    assert finding.explanation_zh == "应急管理部门数据：2026年遭受洪涝灾害，直接经济损失30,000.00元"


def test_a_member_who_can_work_and_lost_it_counts_until_a_later_record_says_they_work_again() -> None:
    """因务工就业不稳, from human resources: the member's latest record decides."""
    import datetime as dt

    def hr(kind: str, on: str, who: str = "h", n: int = 1) -> Record:
        return Record(
            f"human-resources:r{n}@1", "human-resources", who, YEAR, {"kind": kind}, dt.date.fromisoformat(on)
        )

    ended = hr("employment_ended", "2026-03-01")
    assert fired(profile(), [ended]) == {"employment_lost": "orange"}
    assert fired(profile(), [ended, hr("employment_started", "2026-05-01", n=2)]) == {}
    assert fired(profile(), [hr("employment_started", "2026-01-01", n=2), ended]) == {"employment_lost": "orange"}
    assert fired(profile(), [hr("returned_migrant", "2026-03-01", who="s")]) == {}  # SON has no labour capacity


def test_a_major_disease_or_long_hospital_stays_and_unsafe_water_count_from_their_departments() -> None:
    """《仲恺高新区健全防止返贫动态监测和帮扶机制工作方案》(2021): 大病重病 (health commission) and 饮水安全 (water)."""
    import datetime as dt

    def stay(days: int, n: int) -> Record:
        return record("health", n=n, kind="hospital_stay", disease_category="chronic", days=days)

    assert fired(profile(), [record("health", kind="diagnosis", disease_category="chronic")]) == {}
    assert fired(profile(), [stay(20, 1), stay(10, 2)]) == {"serious_illness": "orange"}  # 30 days in the year
    assert fired(profile(), [stay(20, 1), stay(9, 2)]) == {}
    (finding,) = [f for f, _ in evaluate(profile(), [stay(20, 1), stay(10, 2)], LIMITS, YEAR)]
    assert finding.explanation_zh == "卫生健康部门数据：2026年家庭成员住院30天，达到30天"

    def water(kind: str, on: str, n: int, **facts: str) -> Record:
        return Record(f"water:r{n}@1", "water", "h", YEAR, {"kind": kind, **facts}, dt.date.fromisoformat(on))

    unsafe = water("unsafe", "2026-04-01", 1, issue="quality")
    assert fired(profile(), [unsafe]) == {"drinking_water_unsafe": "orange"}
    assert fired(profile(), [unsafe, water("made_safe", "2026-08-01", 2)]) == {}

    def loan(kind: str, on: str, n: int, loan_id: str = "L1", days: int = 0) -> Record:
        facts = {"kind": kind, "loan_id": loan_id, "amount": "30000", "overdue_days": days}
        return Record(f"finance:r{n}@1", "finance", "h", YEAR, facts, dt.date.fromisoformat(on))

    granted, late = loan("loan_granted", "2026-01-10", 1), loan("loan_overdue", "2026-06-01", 2, days=45)
    assert fired(profile(), [granted, late]) == {"microloan_overdue": "orange"}
    assert fired(profile(), [granted, loan("loan_overdue", "2026-06-01", 2, days=29)]) == {}  # under 30 days
    assert fired(profile(), [granted, late, loan("loan_extended", "2026-07-01", 3)]) == {}  # 续贷展期: settled
    assert fired(profile(), [late, loan("loan_repaid", "2026-07-01", 3, loan_id="L2")]) == {
        "microloan_overdue": "orange"
    }
    (finding,) = [f for f, _ in evaluate(profile(), [granted, late], LIMITS, YEAR)]
    assert finding.explanation_zh == "金融机构数据：2026年扶贫小额信贷1笔共30000.00元逾期，最长45天（达到30天）"


def test_without_department_records_only_the_income_rules_can_fire() -> None:
    """Re-screening's prefilter skips a household with no record and no open alert unless an income rule
    fires for it: every other rule must stay silent without records, whatever the members and incomes."""
    import random

    from screening.rules.evaluate import INCOME_RULES

    rng = random.Random(7)
    every_rule_on = {code: {"enabled": True, "grade": "red"} for code in CATALOGUE}
    seen: set[str] = set()
    for _ in range(2000):
        members = [
            {"id_index": f"m{i}", "labour_capacity": rng.choice(["full", "partial", "none", "lost"]), "active": True}
            for i in range(rng.randint(1, 4))
        ]
        incomes = [
            income(y, str(rng.randint(-100, 9000)), str(rng.randint(-100, 40000)), str(rng.randint(0, 40000)))
            for y in (YEAR - 1, YEAR)
            if rng.random() < 0.8
        ]
        limits = Limits(**{**vars(LIMITS), "rules": every_rule_on, "income_year_offset": rng.choice([0, -1])})
        p = profile(*incomes, members=tuple(members))
        seen |= {code for code, rule in RULES.items() if rule(p, [], limits, YEAR)}  # every rule, not evaluate's
    assert seen == set(INCOME_RULES)  # and each of them did fire: the population reaches them
