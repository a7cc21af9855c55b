"""The screening rules: stable codes, the risk category each points to, a default grade, and what it means.

Policies enable rules and may regrade them per jurisdiction; the evaluation itself comes with the feeds.
"""

from dataclasses import dataclass

from contracts.shared import Grade, RiskCategory


@dataclass(frozen=True)
class Rule:
    code: str
    category: RiskCategory
    grade: Grade
    zh: str
    en: str
    # Off unless a jurisdiction's pack turns it on: a criterion only some documents state.
    enabled: bool = True


CATALOGUE: dict[str, Rule] = {
    r.code: r
    for r in [
        Rule(
            "income_below_line",
            RiskCategory.other,
            Grade.orange,
            "家庭人均纯收入低于监测范围",
            "per-capita net income below the monitoring line",
        ),
        Rule(
            "rigid_expense_exceeds_income",
            RiskCategory.other,
            Grade.red,
            "刚性支出明显超过上年收入",
            "rigid expenditure clearly exceeds last year's income",
        ),
        Rule(
            "income_drop",
            RiskCategory.unstable_employment,
            Grade.orange,
            "收入大幅缩减",
            "a large drop of income against the previous year",
        ),
        Rule(
            "medical_out_of_pocket_high",
            RiskCategory.illness,
            Grade.red,
            "医疗自付费用超过阈值或收入占比",
            "out-of-pocket medical cost above the threshold or a share of income",
        ),
        Rule(
            "higher_education_without_aid",
            RiskCategory.schooling,
            Grade.orange,
            "两人及以上就读高等教育（含高职）且未获资助或自付较大",
            "two or more members in full-time higher education (高职 included) without aid or with high costs",
        ),
        Rule(
            "severe_disability_lost_labour",
            RiskCategory.disability,
            Grade.red,
            "重度残疾且丧失劳动能力",
            "severe disability (grade 1-2, or mental/intellectual 3-4) with labour capacity lost",
        ),
        Rule(
            "housing_unsafe",
            RiskCategory.housing_unsafe,
            Grade.red,
            "住房安全性鉴定为C级或D级",
            "housing safety appraisal grade C or D",
        ),
        Rule(
            "school_dropout", RiskCategory.schooling, Grade.orange, "义务教育阶段辍学", "a child dropped out of school"
        ),
        Rule(
            "new_social_floor_enrolment",
            RiskCategory.other,
            Grade.yellow,
            "新纳入低保或特困供养（交叉核对）",
            "newly enrolled in the minimum living allowance or extreme-poverty support (cross-check)",
        ),
        Rule(
            "disability_special_attention",
            RiskCategory.disability,
            Grade.yellow,
            "3级、4级精神残疾人及智力残疾人（重点关注）",
            "a grade 3-4 mental or intellectual disability, whatever the labour capacity (special attention)",
            enabled=False,
        ),
        Rule(
            "disability_partial_labour",
            RiskCategory.disability,
            Grade.orange,
            "因残完全或部分丧失劳动能力",
            "a disability certificate and labour capacity partly or wholly lost",
            enabled=False,
        ),
        Rule(
            "civil_affairs_low_income",
            RiskCategory.other,
            Grade.yellow,
            "民政低收入人口或临时救助（交叉核对）",
            "registered as low-income or given temporary assistance by civil affairs (cross-check)",
        ),
        Rule(
            "natural_disaster_loss",
            RiskCategory.natural_disaster,
            Grade.red,
            "因自然灾害损失严重（应急管理部门数据）",
            "a natural disaster hit the household: a large loss, the house damaged, or someone hurt",
        ),
        Rule(
            "accident_loss",
            RiskCategory.accident,
            Grade.red,
            "因火灾或意外事故损失严重（应急管理部门数据）",
            "a fire or an accident hit the household: a large loss, the house damaged, or someone hurt",
        ),
        Rule(
            "employment_lost",
            RiskCategory.unstable_employment,
            Grade.orange,
            "有劳动能力的家庭成员失业或务工中断（人社部门数据）",
            "a member who can work lost their work or came back from migrant work, and has not started again",
        ),
        Rule(
            "serious_illness",
            RiskCategory.illness,
            Grade.orange,
            "确诊大病重病或长期住院（卫生健康部门数据）",
            "a major disease diagnosed, or long hospital stays, as the health commission records them",
        ),
        Rule(
            "drinking_water_unsafe",
            RiskCategory.drinking_water_unsafe,
            Grade.orange,
            "饮水不安全（水利部门数据）",
            "the household's drinking water is unsafe (quantity, quality, access or guarantee rate)",
        ),
        Rule(
            "microloan_overdue",
            RiskCategory.microloan_overdue,
            Grade.orange,
            "扶贫小额信贷逾期（金融机构数据）",
            "a member's poverty-alleviation micro-loan is overdue (the lending bank's records)",
        ),
        Rule(
            "main_labourer_death",
            RiskCategory.lack_of_labour,
            Grade.red,
            "家庭主要劳动力死亡",
            "death of the household's main labourer",
        ),
    ]
}
