"""The system's codes beside the Chinese labels the forms, reports and officers use (zh-CN), one place
for all: every code of the shared vocabulary has its label (a test holds it to that)."""

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
}
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
