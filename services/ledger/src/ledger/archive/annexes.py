"""The forms 弥勒市 files (弥勒市健全完善防止返贫致贫监测和帮扶机制的实施细则(2020), 附件1-6), filled from the log.

The document names its annexes and what they are for (一(四) 农户申报、入户调查; 五(四) 建立台账……实行“清单制”动态
管理(参考附件5、6)) but does not reproduce their layouts: these are laid out from what each is for, with the
fields the record holds, and the places for signatures the procedure needs. Names and resident ID numbers
never enter the log: those spaces are left to be written."""

import re
from collections.abc import Callable
from dataclasses import dataclass
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
from contracts.assistance import (
    EliminationApprovedV1,
    PlanApprovedV1,
    PlanClosedV1,
    PlanDraftedV1,
    PlanMeasureUpdatedV1,
    PlanMeasureWithdrawnV1,
)
from contracts.intake import (
    CaseApprovedV1,
    CaseDeclaredV1,
    CaseHouseholdSurveyedV1,
    CaseRisk,
    HouseholdEventBase,
    HouseholdIncomeRecordedV1,
    MemberFacts,
)
from contracts.policy import PackValues
from contracts.screening import AlertConfirmedV1, AlertFinding
from ledger.archive.forms import Form, Signature, active, cn_date, household_of, households_of, labour_of, risks_text
from ledger.archive.heads import Head, Heads
from ledger.archive.records import every, latest, read, types
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


def _members_table(members: list[MemberFacts]) -> list[list[Any]]:
    return [
        [
            i,
            zh(RELATION_ZH, m.relation),
            BLANK,
            zh(SEX_ZH, m.sex),
            cn_date(m.birth_date),
            zh(HEALTH_ZH, m.health) or "—",
            zh(LABOUR_ZH, str(m.labour_capacity)),
        ]
        for i, m in enumerate(members, start=1)
    ]


MEMBER_HEADER = ["序号", "与户主关系", "姓名", "性别", "出生日期", "健康状况", "劳动能力"]


@dataclass(frozen=True)
class Annexed:
    """What every annex reads of the household: as the log last has it, its declared risks, its year's income."""

    h: HouseholdEventBase
    members: list[MemberFacts]
    village: str
    place: str
    case: CaseDeclaredV1 | None
    declared: list[CaseRisk]
    income: HouseholdIncomeRecordedV1 | None


def annexed(rows: list[Entry]) -> Annexed:
    h = household_of(rows)
    members = active(h)
    village = h.region_code
    place = full_name(village) or village
    case = latest(rows, CaseDeclaredV1)
    declared = case.risks if case else []
    income = latest(rows, HouseholdIncomeRecordedV1)
    return Annexed(h, members, village, place, case, declared, income)


def _because(risks: str) -> str:
    """因 and the risks, once: the risks' own labels already begin with it (因病、因学), which read 因因病."""
    return risks if risks.startswith("因") else f"因{risks}"


def application(code: str, rows: list[Entry], words: PackValues | None = None, head: Head | None = None) -> Form:
    """附件1、2 申请书: the household's application to be monitored, as 脱贫监测户 or 边缘户."""
    a = annexed(rows)
    h, members, village, place, case, declared, income = (
        a.h,
        a.members,
        a.village,
        a.place,
        a.case,
        a.declared,
        a.income,
    )
    kind = "脱贫监测户" if code == "application-unstable-lifted" else "边缘户"
    labour = labour_of(members)
    amount = f"{income.year}年家庭人均纯收入{income.per_capita_net_income}元，" if income else ""
    return Form(
        code,
        ANNEXES[code],
        letter=[
            f"{regions().name(village) or BLANK}村民委员会：",
            f"我家住{BLANK}村民小组，家庭人口{len(members)}人，其中有劳动能力{labour}人。{amount}"
            f"{_because(risks_text(declared))}，家庭存在返贫致贫风险。"
            f"现申请纳入{kind}进行监测和帮扶，并如实提供家庭收入、支出和资产情况，接受入户调查和村组评议。",
        ],
        sign=[f"申请人（户主）签字：{BLANK}", cn_date(case.occurred_at if case else None)],
        footer=[f"户编号：{h.household_no}（{place}）"],
    )


def household_survey(rows: list[Entry], words: PackValues | None = None, head: Head | None = None) -> Form:
    """附件3 调查表: the survey at home as recorded, the members by relation."""
    a = annexed(rows)
    h, members, place, declared = a.h, a.members, a.place, a.declared
    survey = latest(rows, CaseHouseholdSurveyedV1)
    if survey is None:
        raise NotFound("No household survey is recorded for this household", zh="该户没有入户调查记录")
    s = survey.data
    return Form(
        "household-survey",
        ANNEXES["household-survey"],
        [
            ("所在地", place),
            ("户编号", h.household_no),
            ("户主姓名 / 联系电话", f"{head.name if head else BLANK} / {BLANK}"),
            ("家庭人口", f"{len(members)}人"),
            ("返贫致贫风险", risks_text(declared)),
            ("测算家庭收入（元）", BLANK if s.estimated_income is None else s.estimated_income),
            ("测算家庭支出（元）", BLANK if s.estimated_expense is None else s.estimated_expense),
            ("调查日期", cn_date(s.surveyed_on)),
            ("调查人员", "、".join(s.surveyors) or BLANK),
        ],
        MEMBER_HEADER,
        _members_table(members),
        signatures=[Signature("调查人签字"), Signature("户主签字")],
    )


# Screening's rules that judge a household's income (its rule codes): the estimate's conclusion is theirs.
INCOME_RULES = ("income_below_line", "income_drop", "rigid_expense_exceeds_income")


def _income_judgements(rows: list[Entry]) -> tuple[list[AlertFinding], int | None]:
    """What screening's income rules concluded in the household's confirmed alerts, in the rule's own words
    (its figure, its line, the year it judged), and that year (the finding's evidence `income:<year>`)."""
    found = [f for alert in every(rows, AlertConfirmedV1) for f in alert.findings if f.rule in INCOME_RULES]
    years = [int(e.split(":", 1)[1]) for f in found for e in f.evidence if re.fullmatch(r"income:\d{4}", e)]
    return found, (years[-1] if years else None)


def income_expense_estimate(rows: list[Entry], words: PackValues | None = None, head: Head | None = None) -> Form:
    """附件4 收支测算表: the year's income and rigid expenditure as recorded, and, as its conclusion, what the
    screening rule that judged the household's income said of it: its figure, its line and the year it judged
    (the form computes no figure of its own to compare with a line: one rule, one formula)."""
    a = annexed(rows)
    h, members, place = a.h, a.members, a.place
    judged, year = _income_judgements(rows)
    incomes = every(rows, HouseholdIncomeRecordedV1)
    income = next((i for i in reversed(incomes) if i.year == year), incomes[-1] if incomes else None)
    if income is None:
        raise NotFound("No yearly income is recorded for this household", zh="该户没有年度收入记录")
    parts = income.model_dump()
    table = [[label, parts[k]] for k, label in INCOME_PARTS] + [["家庭总收入", income.total_income()]]
    table += [[label, parts[k]] for k, label in EXPENSES] + [["刚性支出合计", income.rigid_expense()]]
    table += [["家庭人口", income.members_count or len(members)]]
    table += [["登记人均纯收入（元）", income.per_capita_net_income]]
    verdict = (
        "；".join(f"{f.explanation_zh or f.explanation}，存在返贫致贫风险（部门筛查预警，已核实）" for f in judged)
        if judged
        else "筛查规则未就本户收入发出经核实的预警"
    )
    return Form(
        "income-expense-estimate",
        f"{ANNEXES['income-expense-estimate']}（{income.year}年）",
        [("所在地", place), ("户编号", h.household_no), ("测算结论", verdict)],
        ["项目", "金额（元）"],
        table,
        signatures=[Signature("测算人签字"), Signature("户主签字"), Signature("村委会（盖章）", seal=True)],
    )


def measures_table(rows: list[Entry], words: PackValues | None = None, head: Head | None = None) -> Form:
    """帮扶措施表: the plan's measures as they stand, with their progress."""
    a = annexed(rows)
    h, place, declared = a.h, a.place, a.declared
    plan = latest(rows, *PLANS)
    if plan is None:
        raise NotFound("No assistance plan is recorded for this household", zh="该户没有帮扶计划记录")
    return Form(
        "measures-table",
        ANNEXES["measures-table"],
        [("所在地", place), ("户编号", h.household_no), ("返贫致贫风险", risks_text(declared))],
        ["序号", "帮扶措施", "责任单位", "责任人", "起止时间", "落实情况"],
        [
            [
                i,
                m.name or m.code,
                m.responsible_unit or BLANK,
                m.responsible_cadre or BLANK,
                f"{cn_date(m.start_date)}至{cn_date(m.due_date)}",
                zh(MEASURE_STATUS_ZH, m.status) + (f"（{cn_date(m.implemented_on)}）" if m.implemented_on else ""),
            ]
            for i, m in enumerate(plan.measures, start=1)
        ],
        signatures=[Signature("帮扶责任人签字"), Signature("户主签字")],
    )


# The plan events that carry its measures as they stand.
PLANS = (PlanDraftedV1, PlanApprovedV1, PlanMeasureUpdatedV1, PlanMeasureWithdrawnV1, PlanClosedV1)


async def analysis(
    session: AsyncSession, region: str, covers: Callable[[str], bool], heads: Heads, *, code: str
) -> Form:
    """附件5、6: the list of a village's (or township's) monitored households of one type, each with its
    risks, income, measures and the judgement whether its risk is eliminated (清单制动态管理)."""
    if not region.isdigit() or len(region) not in (6, 9, 12):
        raise NotFound("The analysis lists are generated for a region code (`key`)", zh="分析清单按区划代码（key）生成")
    kind = ANALYSIS[code]
    approved = (
        await session.execute(
            select(Entry)
            .where(
                Entry.type == CaseApprovedV1.type,
                Entry.data["region_code"].astext.startswith(region),
                Entry.data["object_type"].astext == kind,
            )
            .order_by(Entry.leaf_index)
        )
    ).scalars()
    cases = {r.subject: read(r, CaseApprovedV1) for r in approved}
    cases = {h: c for h, c in cases.items() if covers(c.region_code)}
    if not cases:
        raise NotFound("Nothing recorded for this form within your jurisdiction", zh="您的辖区内没有此表单的记录")
    wanted = types(*PLANS, EliminationApprovedV1, HouseholdIncomeRecordedV1)
    entries = await households_of(session, set(cases), wanted)
    names = await heads(cases, "filed")
    table = []
    for i, (household_id, case) in enumerate(sorted(cases.items(), key=lambda kv: kv[1].region_code), 1):
        rows = entries[household_id]
        h = household_of(rows)
        income = latest(rows, HouseholdIncomeRecordedV1)
        plan = latest(rows, *PLANS)
        eliminated = latest(rows, EliminationApprovedV1)
        table.append(
            [
                i,
                regions().name(case.region_code) or case.region_code,
                h.household_no,
                names[household_id].name if household_id in names else BLANK,
                len(active(h)),
                risks_text(case.risks),
                income.per_capita_net_income if income else BLANK,  # a number: the sheet sums and averages it
                income.year if income else BLANK,
                "、".join(m.name or m.code for m in (plan.measures if plan else [])) or BLANK,
                f"已消除（{eliminated.data.approved_on or ''}）" if eliminated else "未消除，继续监测帮扶",
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
            "收入年度",
            "帮扶措施",
            "研判结论",
        ],
        table,
        signatures=[Signature("研判人签字"), Signature("村（社区）党组织书记签字")],
        region=region,
    )
