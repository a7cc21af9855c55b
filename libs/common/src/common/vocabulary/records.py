"""The record's words: every event the log holds, the fields a step records, the elimination criteria, the
guarantees, sweeps, and the reads of personal data, as the dossier (一户一档) and its readers name them."""

# Every event the log records, as the dossier (一户一档) and its readers name it (a test holds every
# contract to a label).
EVENT_ZH: dict[str, str] = {
    "intake.household.registered": "建档登记",
    "intake.household.updated": "家庭信息变更",
    "intake.household.income-recorded": "年度收入登记",
    "intake.consent.signed": "签署承诺授权书",
    "intake.consent.revoked": "撤回授权",
    "intake.calendar.year-loaded": "载入工作日安排",
    "intake.case.declared": "发现申报",
    "intake.case.joined": "并入认定",
    "intake.case.consent-attached": "附承诺授权书",
    "intake.case.household-surveyed": "入户调查",
    "intake.case.village-reviewed": "村级民主评议",
    "intake.case.notice-published": "村级公示",
    "intake.case.objection-filed": "公示异议",
    "intake.case.objection-resolved": "异议处理",
    "intake.case.township-verified": "乡镇核查",
    "intake.case.approved": "县级审定纳入监测",
    "intake.case.rejected": "不予认定",
    "screening.alert.confirmed": "部门预警核实确认",
    "screening.asset-check.requested": "申请家庭经济状况核对",
    "screening.asset-check.cancelled": "撤销经济状况核对",
    "screening.policy.published": "发布监测政策",
    "screening.policy.pack-published": "发布监测政策",
    "screening.regional-risk.raised": "区域性风险预警",
    "screening.sweep.planned": "部署排查",
    "screening.sweep.visit-recorded": "排查走访",
    "assistance.plan.drafted": "拟定帮扶计划",
    "assistance.plan.approved": "批准帮扶计划",
    "assistance.plan.excluded": "不予帮扶",
    "assistance.plan.measure-updated": "帮扶措施进展",
    "assistance.plan.measure-withdrawn": "撤回帮扶措施",
    "assistance.plan.village-reviewed": "帮扶措施村级评议",
    "assistance.plan.notice-published": "帮扶措施村级公示",
    "assistance.plan.objection-filed": "帮扶措施公示异议",
    "assistance.plan.objection-resolved": "帮扶措施异议处理",
    "assistance.plan.closed": "帮扶计划结束",
    "assistance.follow-up.income-months-recorded": "月度收入登记",
    "assistance.follow-up.guarantees-checked": "“两不愁三保障”及饮水安全核查",
    "assistance.elimination.village-reviewed": "风险消除村级评议",
    "assistance.elimination.notice-published": "风险消除村级公示",
    "assistance.elimination.objection-filed": "风险消除公示异议",
    "assistance.elimination.objection-resolved": "风险消除异议处理",
    "assistance.elimination.accepted": "风险消除乡镇验收",
    "assistance.elimination.approved": "风险消除县级审定",
    "assistance.elimination.rejected": "风险消除不予通过",
    "audit.access.recorded": "查阅个人信息",
    "ledger.checkpoint.signed": "账本签名检查点",
    "dept.civil-affairs.record": "民政部门数据",
    "dept.disability.record": "残联数据",
    "dept.education.record": "教育部门数据",
    "dept.housing.record": "住建部门数据",
    "dept.medical-insurance.record": "医保部门数据",
    "dept.emergency-management.record": "应急管理部门数据",
    "dept.human-resources.record": "人社部门数据",
    "dept.health.record": "卫生健康部门数据",
    "dept.water.record": "水利部门数据（饮水安全）",
    "dept.finance.record": "金融机构数据（扶贫小额信贷）",
    "dept.reports.report": "部门反馈帮扶措施落实情况",
    "assistance.department-list.entry": "推送部门监测帮扶清单",
}
# The fields a procedure step records, as its form names them.
FIELD_ZH: dict[str, str] = {
    # the files a step's record names by their SHA-256 (the file is kept by the service it was uploaded to)
    "survey_form_sha256": "入户调查表",
    "estimate_form_sha256": "收支测算表",
    "minutes_sha256": "村民代表会议记录",
    "channel": "发现渠道",
    "channels": "监测渠道",
    "note": "备注",
    "reason": "原因",
    "surveyed_on": "调查日期",
    "surveyors": "调查人员",
    "forms": "调查表",
    "estimated_income": "测算收入（元）",
    "estimated_expense": "测算支出（元）",
    "meeting_date": "会议日期",
    "attendees": "参会人数",
    "participants": "参会人员",
    "review_body": "评议主体",
    "votes_for": "同意票",
    "votes_against": "反对票",
    "passed": "评议结果",
    "representatives_present": "参会代表人数",
    "published_on": "公示日期",
    "ends_on": "公示截止",
    "until": "公示截止",
    "working_days": "公示工作日",
    "decision": "是否拟定为监测对象",
    "object_type": "监测对象类型",
    "income_band": "年人均可支配收入",
    "no_reasons": "否定原因",
    "officer_name": "镇街干部",
    "village_secretary": "村支部书记",
    "verified_on": "核查日期",
    "recheck_due": "复核期限",
    "approval_no": "批复文号",
    "approved_on": "审定日期",
    "accepted_on": "验收日期",
    "head_signed": "户主签字",
    "monitor_contact": "监测联系人",
    "income_12_months_total": "近12个月人均收入（元）",
    "original_risks": "原返贫致贫风险",
    "measure_names": "帮扶措施",
    "risks": "返贫致贫风险",
    "criteria": "消除标准",
    "exempt": "免签授权",
    "policy": "依据政策",
    "filed_by": "异议人",
    "raised_on": "提出日期",
    "upheld": "异议成立",
    "objection": "异议内容",
    "resolution": "处理结果",
    "outcome": "处理结果",
}
SWEEP_KIND_ZH: dict[str, str] = {"concentrated": "集中排查", "look_back": "回头看", "monthly_round": "月度排查"}
VISIT_RESULT_ZH: dict[str, str] = {
    "no_change": "无变化",
    "declared_risk": "发现风险已申报",
    "refused": "拒绝走访",
    "not_at_home": "不在家",
}
CRITERIA_ZH: dict[str, str] = {
    "risks_matched": "落实了对应的帮扶措施",
    "guarantees_secured": "“两不愁三保障”及饮水安全持续巩固",
    "income_stable": "收入持续稳定",
    "rigid_expense_resolved": "大额刚性支出问题稳定解决",
}
GUARANTEE_ZH: dict[str, str] = {
    "food": "不愁吃",
    "clothing": "不愁穿",
    "compulsory_education": "义务教育",
    "basic_medical": "基本医疗",
    "housing": "住房安全",
    "drinking_water": "饮水安全",
}
SERVICE_ZH: dict[str, str] = {"intake": "建档认定", "screening": "筛查预警", "assistance": "帮扶", "ledger": "账本"}
# What a read of personal data was and why, as the services record it (audit.access.v1), in the words of the
# dossier's 个人信息查阅记录. A phrase not listed is shown as recorded (a purpose an officer typed is already his).
ACCESS_ZH: dict[str, str] = {
    "household detail": "查看户信息",
    "household detail (registered)": "建档登记时查看户信息",
    "household detail (updated)": "变更户信息",
    "household detail (member added)": "增加家庭成员",
    "household detail (member updated)": "变更家庭成员信息",
    "household lookup by resident ID": "按身份证号查找户",
    "household revisions": "查看户信息变更记录",
    "household timeline": "查看户历程",
    "timeline view": "查看户历程",
    "public-notice list": "查看公示名单",
    "unmasked resident ID": "查看完整身份证号",
    "assistance plan": "查看帮扶计划",
    "elimination evaluation": "风险消除评估",
    "monthly income": "查看月度收入",
    "measure attachment": "查看帮扶佐证附件",
    "alert detail": "查看预警",
    "alert verification": "核实预警",
    "archive": "查阅一户一档",
    "archive export": "导出一户一档",
    "archive proofs": "下载一户一档核验材料",
    "form": "生成表单",
    "printed form": "打印表单（户主姓名、身份证号）",
    # purposes the services record themselves
    "registration": "建档登记",
    "case work": "办理认定",
    "assistance follow-up": "帮扶跟踪",
    "member added": "增加家庭成员",
}


def access_zh(text: str) -> str:
    """A recorded access phrase in Chinese: exact, else by its leading phrase (`form commitment`, `unmasked
    resident ID of member …`), else as recorded."""
    if text in ACCESS_ZH:
        return ACCESS_ZH[text]
    for phrase in sorted(ACCESS_ZH, key=len, reverse=True):
        if text.startswith(phrase + " "):
            rest = text[len(phrase) + 1 :].removeprefix("of member ")  # unmasked resident ID of member <id>
            return f"{ACCESS_ZH[phrase]}（{rest}）"
    return text
