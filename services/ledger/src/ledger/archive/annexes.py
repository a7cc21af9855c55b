"""The forms 弥勒市 files (弥勒市健全完善防止返贫致贫监测和帮扶机制的实施细则(2020), 附件1-6), filled from the log.

The document names its annexes and what they are for (一(四) 农户申报、入户调查; 五(四) 建立台账……实行“清单制”动态
管理(参考附件5、6)) but does not reproduce their layouts: these are laid out from what each is for, with the
fields the record holds, and the places for signatures the procedure needs. Names and resident ID numbers
never enter the log: those spaces are left to be written."""

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from common.errors import NotFound
from common.regions import full_name, regions
from common.vocabulary import (
    HEALTH_ZH,
    LABOUR_ZH,
    MEASURE_STATUS_ZH,
    OBJECT_ZH,
    RELATION_ZH,
    SEX_ZH,
    zh,
)
from contracts.policy import PackValues
from ledger.archive.forms import Form, cn_date, household_of, households_of, latest, risks_text
from ledger.archive.stated import BLANK
from ledger.models import Entry

ANNEXES = {
    "application-unstable-lifted": "脱贫监测户申请书",
    "application-marginal": "边缘户申请书",
    "household-survey": "返贫致贫风险户调查表",
    "income-expense-estimate": "致贫返贫风险户收支测算表",
    "measures-table": "致贫返贫风险户帮扶措施表",
    "analysis-unstable-lifted": "脱贫监测户动态监测分析研判表",
    "analysis-marginal": "边缘户动态监测分析研判表",
}
ANALYSIS = {"analysis-unstable-lifted": "unstable_lifted", "analysis-marginal": "marginal"}
INCOME_PARTS = (
    ("wages", "工资性收入"),
    ("production", "生产经营性收入"),
    ("property", "财产性收入"),
    ("transfers", "转移性收入"),
)
EXPENSES = (("medical_expense", "医疗支出"), ("schooling_expense", "教育支出"), ("other_rigid_expense", "其他刚性支出"))


def _members_table(members: list[dict[str, Any]]) -> list[list[Any]]:
    return [
        [
            i,
            zh(RELATION_ZH, m.get("relation")),
            BLANK,
            zh(SEX_ZH, m.get("sex")),
            cn_date(m["birth_date"]) if m.get("birth_date") else "",
            zh(HEALTH_ZH, m.get("health")) or "—",
            zh(LABOUR_ZH, m.get("labour_capacity")),
        ]
        for i, m in enumerate(members, start=1)
    ]


MEMBER_HEADER = ["序号", "与户主关系", "姓名", "性别", "出生日期", "健康状况", "劳动能力"]


def household_annex(code: str, rows: list[Entry], words: PackValues | None) -> Form:
    h = household_of(rows)
    members = [m for m in h["members"] if m.get("active", True)]
    village = h["region_code"]
    place = full_name(village) or village
    case = latest(rows, "intake.case.declared") or {}
    income = latest(rows, "intake.household.income-recorded")
    if code.startswith("application-"):
        kind = "脱贫监测户" if code == "application-unstable-lifted" else "边缘户"
        labour = sum(1 for m in members if m["labour_capacity"] in ("full", "partial"))
        amount = f"{income['year']}年家庭人均纯收入{income['per_capita_net_income']}元，" if income else ""
        return Form(
            code,
            ANNEXES[code],
            letter=[
                f"{regions().name(village) or BLANK}村民委员会：",
                f"我家住{BLANK}村民小组，家庭人口{len(members)}人，其中有劳动能力{labour}人。{amount}"
                f"因{risks_text(case.get('risks', []))}，家庭存在返贫致贫风险。"
                f"现申请纳入{kind}进行监测和帮扶，并如实提供家庭收入、支出和资产情况，接受入户调查和村组评议。",
            ],
            sign=[f"申请人（户主）签字：{BLANK}", cn_date(case.get("occurred_at"))],
            footer=[f"户编号：{h['household_no']}（{place}）"],
        )
    if code == "household-survey":
        survey = latest(rows, "intake.case.household-surveyed")
        if survey is None:
            raise NotFound("No household survey is recorded for this household")
        s = survey["data"]
        return Form(
            code,
            ANNEXES[code],
            [
                ("所在地", place),
                ("户编号", h["household_no"]),
                ("户主姓名 / 联系电话", BLANK),
                ("家庭人口", f"{len(members)}人"),
                ("返贫致贫风险", risks_text(case.get("risks", []))),
                ("测算家庭收入（元）", s.get("estimated_income") or BLANK),
                ("测算家庭支出（元）", s.get("estimated_expense") or BLANK),
                ("调查日期", cn_date(s.get("surveyed_on"))),
                ("调查人员", "、".join(s.get("surveyors", [])) or BLANK),
            ],
            MEMBER_HEADER,
            _members_table(members),
            footer=[f"调查人签字：{BLANK}        户主签字：{BLANK}"],
        )
    if code == "income-expense-estimate":
        if income is None:
            raise NotFound("No yearly income is recorded for this household")
        total = sum((Decimal(str(income[k])) for k, _ in INCOME_PARTS), Decimal(0))
        rigid = sum((Decimal(str(income[k])) for k, _ in EXPENSES), Decimal(0))
        people = int(income.get("members_count") or len(members)) or 1
        line = words.line.amount if words else None
        net = (total - rigid) / people
        table = [[label, income[k]] for k, label in INCOME_PARTS] + [["家庭总收入", total]]
        table += [[label, income[k]] for k, label in EXPENSES] + [["刚性支出合计", rigid]]
        table += [["家庭人口", people], ["扣除刚性支出后人均（元）", f"{net:.2f}"]]
        table += [["登记人均纯收入（元）", income["per_capita_net_income"]]]
        verdict = (
            (f"低于监测范围{line}元，存在返贫致贫风险" if line and net < line else f"不低于监测范围{line}元")
            if line
            else "本地区政策未载明收入监测范围"
        )
        return Form(
            code,
            f"{ANNEXES[code]}（{income['year']}年）",
            [("所在地", place), ("户编号", h["household_no"]), ("测算结论", verdict)],
            ["项目", "金额（元）"],
            table,
            footer=[f"测算人签字：{BLANK}        户主签字：{BLANK}        村委会（盖章）"],
        )
    if code == "measures-table":
        plan = latest(rows, *PLAN_TYPES)
        if plan is None:
            raise NotFound("No assistance plan is recorded for this household")
        return Form(
            code,
            ANNEXES[code],
            [("所在地", place), ("户编号", h["household_no"]), ("返贫致贫风险", risks_text(case.get("risks", [])))],
            ["序号", "帮扶措施", "责任单位", "责任人", "起止时间", "落实情况"],
            [
                [
                    i,
                    m.get("name") or m["code"],
                    m.get("responsible_unit") or BLANK,
                    m.get("responsible_cadre") or BLANK,
                    f"{cn_date(m.get('start_date'))}至{cn_date(m.get('due_date'))}",
                    zh(MEASURE_STATUS_ZH, m.get("status"))
                    + (f"（{cn_date(m['implemented_on'])}）" if m.get("implemented_on") else ""),
                ]
                for i, m in enumerate(plan.get("measures", []), start=1)
            ],
            footer=[f"帮扶责任人签字：{BLANK}        户主签字：{BLANK}"],
        )
    raise NotFound(f"{code} is not a household form")


PLAN_TYPES = (
    "assistance.plan.drafted",
    "assistance.plan.approved",
    "assistance.plan.measure-updated",
    "assistance.plan.measure-withdrawn",
    "assistance.plan.closed",
)


async def analysis(session: AsyncSession, code: str, region: str, covers: Callable[[str], bool]) -> Form:
    """附件5、6: the list of a village's (or township's) monitored households of one type, each with its
    risks, income, measures and the judgement whether its risk is eliminated (清单制动态管理)."""
    kind = ANALYSIS[code]
    approved = (
        await session.execute(
            select(Entry)
            .where(
                Entry.type == "intake.case.approved",
                Entry.data["region_code"].astext.startswith(region),
                Entry.data["object_type"].astext == kind,
            )
            .order_by(Entry.leaf_index)
        )
    ).scalars()
    cases = {r.subject: r for r in approved if covers(r.data["region_code"])}
    if not cases:
        raise NotFound("Nothing recorded for this form within your jurisdiction")
    wanted = (*PLAN_TYPES, "assistance.elimination.approved", "intake.household.income-recorded")
    entries = await households_of(session, set(cases), wanted)
    table = []
    for i, (household_id, case) in enumerate(sorted(cases.items(), key=lambda kv: kv[1].data["region_code"]), 1):
        rows = entries[household_id]
        h = household_of(rows)
        income = latest(rows, "intake.household.income-recorded")
        plan = latest(rows, *PLAN_TYPES) or {}
        eliminated = latest(rows, "assistance.elimination.approved")
        table.append(
            [
                i,
                regions().name(case.data["region_code"]) or case.data["region_code"],
                h["household_no"],
                BLANK,
                len([m for m in h["members"] if m.get("active", True)]),
                risks_text(case.data.get("risks", [])),
                f"{income['per_capita_net_income']}（{income['year']}年）" if income else BLANK,
                "、".join(m.get("name") or m["code"] for m in plan.get("measures", [])) or BLANK,
                f"已消除（{eliminated['data'].get('approved_on', '')}）" if eliminated else "未消除，继续监测帮扶",
            ]
        )
    return Form(
        code,
        f"{full_name(region) or region} {ANNEXES[code]}",
        [("监测对象类型", OBJECT_ZH[kind]), ("户数", len(table))],
        [
            "序号",
            "村（社区）",
            "户编号",
            "户主姓名",
            "家庭人口",
            "返贫致贫风险",
            "人均纯收入（元）",
            "帮扶措施",
            "研判结论",
        ],
        table,
        footer=[f"研判人签字：{BLANK}        村（社区）党组织书记签字：{BLANK}        {cn_date(None)}"],
    )
