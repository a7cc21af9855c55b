"""The draft plan's recommendations: "supply what is missing" (缺什么补什么), one household one plan.

- One risk: one targeted measure, never a stack (stacked benefits breed dependency, 防止福利依赖).
- Several risks: a comprehensive plan, one measure per risk.
- Labour capacity: developmental measures (income from work); none: the social floor (兜底).
- Weak motivation recorded on the case: motivation and skills (扶志扶智).
Every recommendation carries its reason, so the officer adjusting the plan sees why it is there."""

from dataclasses import dataclass

from assistance.catalogue.service import catalogue

Labour = str  # "full" | "partial" | "none": the household's best member


@dataclass(frozen=True)
class Recommendation:
    code: str
    reason: str
    risks: tuple[str, ...]


# The targeted measure per risk, by the household's labour: (with labour, without).
FOR_RISK: dict[str, tuple[str, str]] = {
    "illness": ("health", "health"),
    "schooling": ("education_aid", "education_aid"),
    "disability": ("disability_allowance", "disability_allowance"),
    "natural_disaster": ("temporary_assistance", "temporary_assistance"),
    "accident": ("temporary_assistance", "temporary_assistance"),
    "industry_failure": ("industry", "dibao"),
    "unstable_employment": ("employment", "dibao"),
    "lack_of_labour": ("public_welfare_job", "dibao"),
    "other": ("social_assistance", "social_assistance"),
    "housing_unsafe": ("housing_safety", "housing_safety"),
    "drinking_water_unsafe": ("drinking_water", "drinking_water"),
    # An overdue 扶贫小额信贷 loan: the credit policy's extension and renewal (续贷展期).
    "microloan_overdue": ("micro_credit", "micro_credit"),
    # The asset's income gone: income from work, or the floor without labour.
    "asset_mismanagement": ("industry", "dibao"),
    "policy_transition": ("social_assistance", "social_assistance"),
}
DEVELOPMENTAL = "employment"
FLOOR = "dibao"


def household_labour(members: list[dict]) -> Labour:
    capacities = {m.get("labour_capacity") for m in members if m.get("active", True)}
    return "full" if "full" in capacities else "partial" if "partial" in capacities else "none"


def recommend(
    risks: list[str],
    labour: Labour,
    weak_motivation: bool,
    referral: tuple[str, ...] = ("none",),
    stable_income: bool | None = None,
) -> list[Recommendation]:
    """`referral`: the labour capacities the jurisdiction's pack refers to the social floor when no stable
    income from work is possible (中农组发〔2021〕7号 四(二): 无劳动能力或部分丧失劳动能力且无法通过产业就业获得
    稳定收入的; a 2020 document: no labour capacity only). `stable_income`: whether the household's latest
    income on record is at or above its line (None: no income or no line known); a household that has lost
    part of its labour is drafted for the floor only when it is not."""
    has_labour = labour != "none"
    distinct = list(dict.fromkeys(risks))
    chosen: dict[str, Recommendation] = {}
    for risk in distinct:
        code = FOR_RISK.get(risk, FOR_RISK["other"])[0 if has_labour else 1]
        measure = catalogue()[code]
        if code in chosen:  # one measure answering two risks: say so, do not add another
            prev = chosen[code]
            chosen[code] = Recommendation(code, prev.reason, (*prev.risks, risk))
            continue
        why = f"addresses the {risk} risk with {measure.en.lower()} ({measure.zh}), by {measure.department_en}"
        chosen[code] = Recommendation(code, why, (risk,))
    if len(distinct) > 1 and has_labour and not any(catalogue()[c].kind == "developmental" for c in chosen):
        chosen[DEVELOPMENTAL] = Recommendation(
            DEVELOPMENTAL,
            f"several risks in a household with {labour} labour capacity: a comprehensive plan includes "
            "income from work (developmental measure)",
            (),
        )
    if not has_labour and FLOOR not in chosen:
        chosen[FLOOR] = Recommendation(
            FLOOR,
            "no member can work and no stable income from work is possible: the social floor (兜底保障)",
            (),
        )
    elif labour == "partial" and "partial" in referral and stable_income is False and FLOOR not in chosen:
        chosen[FLOOR] = Recommendation(
            FLOOR,
            "labour capacity partly lost and the household's income is below its line: no stable income from "
            "work, the social floor (部分丧失劳动能力且无法通过产业就业获得稳定收入的，"
            "纳入农村低保或特困人员救助供养范围)",
            (),
        )
    if weak_motivation:
        chosen["motivation_skills"] = Recommendation(
            "motivation_skills", "the case records weak internal motivation (内生动力不足): 扶志扶智", ()
        )
    return list(chosen.values())
