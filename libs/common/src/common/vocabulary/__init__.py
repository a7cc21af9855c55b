"""The system's codes beside the Chinese labels the forms, reports and officers use (zh-CN), one place
for all: every code of the shared vocabulary has its label (a test holds it to that)."""

from decimal import Decimal

from pydantic import BaseModel, computed_field

from contracts.shared import Channel, LabourCapacity, ObjectType, RiskCategory

# 返贫致贫风险, as the township verification form lists them.
RISK_ZH: dict[str, str] = {
    RiskCategory.illness: "因病",
    RiskCategory.schooling: "因学",
    RiskCategory.disability: "因残",
    RiskCategory.natural_disaster: "因自然灾害",
    RiskCategory.accident: "因意外事故",
    RiskCategory.industry_failure: "因产业项目失败",
    RiskCategory.unstable_employment: "因务工就业不稳",
    RiskCategory.lack_of_labour: "缺劳动力",
    RiskCategory.other: "其他",
    RiskCategory.housing_unsafe: "因住房不安全",
    RiskCategory.drinking_water_unsafe: "因饮水不安全",
    RiskCategory.policy_transition: "因政策衔接",
    RiskCategory.asset_mismanagement: "因扶贫资产监管不善",
    RiskCategory.microloan_overdue: "因小额贷款逾期",
}
# The risk checkboxes of the forms (附件1, 附件3, 附件6), as they list them: a category they do not list is
# ticked as 其他.
FORM_RISK_ZH: dict[str, str] = {k: v for k, v in list(RISK_ZH.items())[:9]}


def form_risk(category: str) -> str:
    return category if category in FORM_RISK_ZH else RiskCategory.other


# 监测对象类型.
OBJECT_ZH: dict[str, str] = {
    ObjectType.unstable_lifted: "脱贫不稳定户",
    ObjectType.marginal: "边缘易致贫户",
    ObjectType.sudden_hardship: "突发严重困难户",
}
# 监测方式: the four channels.
CHANNEL_ZH: dict[str, str] = {
    Channel.self_declaration: "农户自主申报",
    Channel.cadre_screening: "基层干部排查",
    Channel.department_alert: "部门筛查预警",
    Channel.social_supervision: "社会监督发现",
}
# 劳动能力.
LABOUR_ZH: dict[str, str] = {
    LabourCapacity.full: "普通劳动力",
    LabourCapacity.partial: "弱劳动力或半劳动力",
    LabourCapacity.none: "无劳动力",
    LabourCapacity.lost: "丧失劳动力",
}


# 与户主关系, 性别, 健康状况, 户类别, 授权范围: the information-collection and commitment forms' words.
RELATION_ZH: dict[str, str] = {
    "head": "户主",
    "spouse": "配偶",
    "child": "子女",
    "child_in_law": "儿媳/女婿",
    "grandchild": "孙子女",
    "parent": "父母",
    "grandparent": "祖父母",
    "sibling": "兄弟姐妹",
    "other": "其他",
}
SEX_ZH: dict[str, str] = {"male": "男", "female": "女"}
HEALTH_ZH: dict[str, str] = {
    "healthy": "健康",
    "chronic_illness": "长期慢性病",
    "major_illness": "大病",
    "disabled": "残疾",
}
CATEGORY_ZH: dict[str, str] = {"lifted": "脱贫户", "ordinary": "一般农户"}
# A household's monitoring status (intake's `households.status`).
HOUSEHOLD_STATUS_ZH: dict[str, str] = {"registered": "已登记", "monitored": "监测对象", "eliminated": "风险已消除"}
# 否定原因, as the township verification form (附件3) lists them.
NO_REASON_ZH: dict[str, str] = {
    "risk_disappeared": "风险自然消失",
    "stable_income_public_employee_or_legal_person": "有公职人员、企业法人等收入稳定",
    "high_value_assets": "有高价房、高价车、大额存款和资产等",
    "legal_supporter_secures_basic_life": "法定赡养人等能保障其基本生活的",
    "crime_or_idleness": "有违法犯罪行为，好吃懒做等",
}
SCOPE_ZH: dict[str, str] = {"asset_check": "查询比对家庭资产信息", "data_sharing": "部门间数据共享比对"}
# The details each risk is registered with on the township verification form (附件3).
RISK_DETAIL_ZH: dict[str, str] = {
    "out_of_pocket_medical": "当年医疗自付支出（元）",
    "out_of_pocket_schooling": "当年就学自付支出（元）",
    "certificate_no": "残疾证号",
    "disability_category": "残疾类别",
    "grade_band": "残疾等级",
    "kind": "类型",
    "description": "说明",
    "appraisal": "住房安全鉴定",
    "issue": "问题",
    "amount": "贷款金额（元）",
    "overdue_days": "逾期天数",
    "lender": "放贷机构",
    "asset": "扶贫资产",
    "policy": "衔接的政策",
    "ended_on": "政策到期日",
}
DETAIL_VALUE_ZH: dict[str, str] = {
    "flood": "洪涝灾害",
    "geological": "地质灾害",
    "drought": "旱灾",
    "biological": "生物灾害（虫灾）",
    "meteorological": "气象灾害",
    "earthquake": "地震灾害",
    "traffic": "交通事故",
    "no_labour": "家庭无劳动力",
    "labour_cannot_work": "家庭有劳动力无法务工",
    "visual": "视力残疾",
    "hearing": "听力残疾",
    "speech": "言语残疾",
    "physical": "肢体残疾",
    "intellectual": "智力残疾",
    "mental": "精神残疾",
    "multiple": "多重残疾",
    "1-2": "1、2级",
    "3-4": "3、4级",
    "other": "其他",
    "C": "C级",
    "D": "D级",
    "unappraised": "未鉴定",
    "quantity": "水量不达标",
    "quality": "水质不达标",
    "access": "取水不方便",
    "guarantee_rate": "供水保证率不达标",
    "lost": "流失",
    "idle": "闲置",
    "income_not_paid": "收益未分配",
}


def zh(table: dict[str, str], code: object) -> str:
    """A code's label; a code the table lacks is shown as it is, so that nothing is silently dropped."""
    return table.get(str(code), str(code)) if code not in (None, "") else ""


# 年人均可支配收入, the verification form's income bands.
def band_zh(label: str) -> str | None:
    """An income band as the township form prints it (below_6000: 6000元以下; 6000_9000: 6000-9000元;
    above_14000: 14000元以上), whatever the pack's bounds; None for what is not a band."""
    low, _, high = label.partition("_")
    if low == "below" and high.isdigit():
        return f"{high}元以下"
    if low == "above" and high.isdigit():
        return f"{high}元以上"
    if low.isdigit() and high.isdigit():
        return f"{low}-{high}元"
    return None


def band_of(income: Decimal, bands: list[Decimal]) -> str:
    """The band label of a per-capita income among the form's bounds: below_6000, 6000_9000, ..., above_14000."""
    bounds = [int(b) if b == int(b) else b for b in bands]
    for i, upper in enumerate(bounds):
        if income < upper:
            return f"below_{upper}" if i == 0 else f"{bounds[i - 1]}_{upper}"
    return f"above_{bounds[-1]}"


def band_labels(bands: list[Decimal]) -> list[str]:
    """Every label of the bands, lowest first (none without bounds)."""
    if not bands:
        return []
    return [band_of(b - Decimal("0.01"), bands) for b in bands] + [band_of(bands[-1], bands)]


# The procedures' words (common.procedure): what each subject is called, its states and its steps, as the
# officers who take them say them; a problem answered in Chinese names them so.
SUBJECT_ZH: dict[str, str] = {
    "case": "监测对象认定",
    "alert": "预警",
    "plan": "帮扶计划",
    "measure": "帮扶措施",
    "elimination": "风险消除",
}
STATE_ZH: dict[str, dict[str, str]] = {
    "case": {
        "new": "待申报",
        "declared": "已申报",
        "consent_signed": "已签承诺授权书",
        "village_reviewed": "已村级评议",
        "in_public_notice": "公示中",
        "township_verified": "已乡镇核查",
        "monitored": "已纳入监测",
        "rejected": "未予认定",
    },
    "alert": {
        "open": "待核实",
        "verifying": "核实中",
        "confirmed": "已确认",
        "dismissed": "已排除",
        "withdrawn": "已撤回",
    },
    "plan": {
        "draft": "草拟",
        "village_reviewed": "措施已村级评议",
        "in_public_notice": "措施公示中",
        "approved": "已批准",
        "closed": "已结束",
        "excluded": "已清退",
    },
    "measure": {"planned": "已计划", "in_progress": "实施中", "implemented": "已落实", "failed": "未落实"},
    "elimination": {
        "new": "待评议",
        "village_reviewed": "已村级评议",
        "in_public_notice": "公示中",
        "township_accepted": "已乡镇验收",
        "approved": "已审定",
        "rejected": "不予通过",
    },
}
STEP_ZH: dict[str, dict[str, str]] = {
    "case": {
        "declare": "申报",
        "join": "并入部门预警",
        "attach_consent": "签署承诺授权书",
        "household_survey": "入户调查",
        "village_review": "村级民主评议",
        "publish_notice": "村级公示",
        "file_objection": "提出异议",
        "resolve_objection": "处理异议",
        "township_verify": "乡镇核查",
        "county_approve": "县级审定",
        "reject": "不予认定",
    },
    "alert": {"verify": "开始核实", "confirm": "确认", "dismiss": "排除", "withdraw": "撤回"},
    "plan": {
        "add_measure": "增加帮扶措施",
        "assign_measure": "指派帮扶措施",
        "withdraw_measure": "撤回帮扶措施",
        "village_review": "帮扶措施村级民主评议",
        "notice": "帮扶措施公示",
        "object": "提出异议",
        "resolve": "处理异议",
        "approve": "批准计划",
        "exclude": "清退",
        "record_not_assisted": "登记不予帮扶情形",
        "report_progress": "报告进展",
        "propose_elimination": "提出风险消除",
        "close": "结束计划",
    },
    "measure": {"start": "开始实施", "implement": "标记落实", "fail": "标记未落实"},
    "elimination": {
        "village_review": "村级民主评议",
        "notice": "村级公示",
        "object": "提出异议",
        "resolve": "处理异议",
        "reject": "不予通过",
        "accept": "乡镇验收",
        "approve": "县级审定",
    },
}
ROLE_ZH: dict[str, str] = {
    "household": "农户",
    "village_cadre": "村干部",
    "township_officer": "乡镇干部",
    "county_officer": "县级干部",
    "department": "行业部门",
    "auditor": "审计人员",
    "admin": "系统管理员",
}


MEASURE_STATUS_ZH: dict[str, str] = STATE_ZH["measure"]  # a measure's status is its procedure's state


def state_labels(subject: str, field: str = "state", actions: bool = False) -> type[BaseModel]:
    """A response model's mixin giving its state as officers say it beside the code (`state_zh`, or
    `<field>_zh`) and, with `actions`, the steps that may be taken now by name: one mechanism for every
    procedure's answers, from the tables above."""
    states, steps = STATE_ZH[subject], STEP_ZH.get(subject, {})

    class Labelled(BaseModel):
        @computed_field(alias=f"{field}_zh", description=f"the {field} in Chinese")  # type: ignore[prop-decorator]
        @property
        def state_zh(self) -> str:
            code = str(getattr(self, field))
            return states.get(code, code)

    if not actions:
        return Labelled

    class WithActions(Labelled):
        @computed_field(description="allowed_actions in Chinese, in the same order")  # type: ignore[prop-decorator]
        @property
        def allowed_actions_zh(self) -> list[str]:
            return [steps.get(a, a) for a in getattr(self, "allowed_actions", [])]

    return WithActions


# The record's words live beside the codes' (vocabulary/records.py), read from here like every label.
from common.vocabulary.records import (  # noqa: E402
    ACCESS_ZH,
    CRITERIA_ZH,
    EVENT_ZH,
    FIELD_ZH,
    GUARANTEE_ZH,
    SERVICE_ZH,
    SWEEP_KIND_ZH,
    VISIT_RESULT_ZH,
    access_zh,
)

__all__ = [
    "ACCESS_ZH",
    "CRITERIA_ZH",
    "EVENT_ZH",
    "FIELD_ZH",
    "GUARANTEE_ZH",
    "SERVICE_ZH",
    "SWEEP_KIND_ZH",
    "VISIT_RESULT_ZH",
    "access_zh",
]
