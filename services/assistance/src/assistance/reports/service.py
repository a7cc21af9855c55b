"""The township's monthly report, due by the day of the next month the jurisdiction's pack gives (弥勒市: 次月3日前;
宁夏: 每月上旬, read as the 10th): households newly monitored and risk-eliminated in the month, measures
implemented in it and overdue at its end, by village."""

import datetime as dt
import io
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from openpyxl import Workbook
from sqlalchemy import and_, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from assistance.elimination.models import Elimination
from assistance.plans.models import IN_FORCE, Plan, PlanMeasure
from assistance.projections.models import KnownHousehold, MonitoredCase, PolicyPack
from common import clock, policy
from common.clock import CST
from common.exports import print_ready, xlsx_text_only
from common.regions import regions
from common.vocabulary import OBJECT_ZH, RISK_ZH
from contracts.policy import PackValues

COLUMNS = [
    ("village", "村（社区）代码", "village code"),
    ("village_name", "村（社区）", "village"),
    ("newly_monitored", "新纳入监测户数", "households newly monitored"),
    ("newly_monitored_people", "新纳入监测人数", "people newly monitored"),
    ("eliminated", "风险消除户数", "households risk-eliminated"),
    ("eliminated_people", "风险消除人数", "people risk-eliminated"),
    ("monitored_now", "月末在监测户数（累计）", "households monitored at month end"),
    ("monitored_now_people", "月末在监测人数（累计）", "people monitored at month end"),
    ("measures_implemented", "落实帮扶措施数", "measures implemented"),
    ("measures_overdue", "逾期未落实措施数", "measures overdue at month end"),
]


LIST_COLUMNS = [
    ("n", "序号"),
    ("village_name", "村（社区）"),
    ("household_no", "户编号"),
    ("people", "家庭人口数"),
    ("object_type", "监测对象类型"),
    ("risks", "返贫致贫风险"),
]


@dataclass
class VillageRow:
    village: str
    village_name: str
    newly_monitored: int = 0
    newly_monitored_people: int = 0
    eliminated: int = 0
    eliminated_people: int = 0
    monitored_now: int = 0
    monitored_now_people: int = 0
    measures_implemented: int = 0
    measures_overdue: int = 0


@dataclass
class MonthlyReport:
    township: str  # the township reported on, or the county whose townships are rolled up
    township_name: str
    month: str
    due_by: dt.date
    due_by_source: str  # the pack the deadline comes from
    generated_at: dt.datetime
    villages: list[VillageRow] = field(default_factory=list)  # by township where a county is reported on
    totals: dict[str, int] = field(default_factory=dict)
    rows_by: str = "village"  # "township": a county's roll-up
    # The month's newly monitored households by target type and by risk (监测对象类型, 返贫致贫风险).
    by_type: dict[str, int] = field(default_factory=dict)
    by_risk: dict[str, int] = field(default_factory=dict)
    # The lists 弥勒市 asks for (一(三): 上月返贫致贫风险户、风险消除户): one line per household.
    newly_monitored_list: list[dict[str, Any]] = field(default_factory=list)
    eliminated_list: list[dict[str, Any]] = field(default_factory=list)
    # The households monitored at the month's end, by target type and by risk (the standing, for a briefing).
    monitored_by_type: dict[str, int] = field(default_factory=dict)
    monitored_by_risk: dict[str, int] = field(default_factory=dict)
    # The twelve months to this one, oldest first: month, newly_monitored, eliminated, monitored_now.
    trend: list[dict[str, Any]] = field(default_factory=list)


def month_bounds(month: str) -> tuple[dt.date, dt.date]:
    start = dt.date.fromisoformat(month + "-01")
    end = (start + dt.timedelta(days=32)).replace(day=1)
    return start, end


async def _people(session: AsyncSession, households: set[Any]) -> dict[Any, tuple[int, str]]:
    """Active members per household (人数), and its number (户编号)."""
    if not households:
        return {}
    found = await session.execute(
        select(KnownHousehold.household_id, KnownHousehold.members, KnownHousehold.household_no).where(
            KnownHousehold.household_id.in_(households)
        )
    )
    return {h: (sum(1 for m in members if m.get("active", True)), no or "") for h, members, no in found}


async def _households(
    session: AsyncSession, township: str, begin: dt.datetime, finish: dt.datetime, end: dt.date
) -> dict[str, list[Any]]:
    """The households behind the month's household counts: newly monitored (approved in the month, China
    Standard Time), eliminated in it, and monitored at its end (approved before it ends, no approved
    elimination of that case by then)."""
    eliminated_case = (
        select(Plan.case_id)
        .join(Elimination, Elimination.plan_id == Plan.id)
        .where(Elimination.state == "approved", Elimination.approved_on < end)
    )
    within = MonitoredCase.region_code.like(township + "%")
    start = dt.date.fromisoformat(f"{begin.astimezone(CST):%Y-%m-%d}")
    # A case counts on the day the county approved it as the approval states (approved_on), else the day
    # it was recorded.
    stated, recorded = MonitoredCase.approved_on, MonitoredCase.approved_at
    in_month = or_(
        and_(stated.is_not(None), stated >= start, stated < end),
        and_(stated.is_(None), recorded >= begin, recorded < finish),
    )
    by_end = or_(and_(stated.is_not(None), stated < end), and_(stated.is_(None), recorded < finish))
    return {
        "newly_monitored": list(
            await session.execute(
                select(
                    MonitoredCase.region_code,
                    MonitoredCase.household_id,
                    MonitoredCase.object_type,
                    MonitoredCase.risks,
                ).where(within, in_month)
            )
        ),
        "eliminated": list(
            await session.execute(
                select(Elimination.region_code, Elimination.household_id, Elimination.acceptance).where(
                    Elimination.region_code.like(township + "%"),
                    Elimination.state == "approved",
                    Elimination.approved_on >= start,
                    Elimination.approved_on < end,
                )
            )
        ),
        "monitored_now": list(
            await session.execute(
                select(
                    MonitoredCase.region_code,
                    MonitoredCase.household_id,
                    MonitoredCase.object_type,
                    MonitoredCase.risks,
                ).where(within, by_end, MonitoredCase.case_id.not_in(eliminated_case))
            )
        ),
    }


async def build(session: AsyncSession, township: str, month: str) -> MonthlyReport:
    start, end = month_bounds(month)
    # The month as the county keeps it: midnight to midnight in China Standard Time.
    begin = dt.datetime.combine(start, dt.time(), CST)
    finish = dt.datetime.combine(end, dt.time(), CST)
    rows: dict[str, VillageRow] = defaultdict(lambda: VillageRow("", ""))
    depth = 9 if len(township) == 6 else 12  # a county's report rolls its townships up
    found_households = await _households(session, township, begin, finish, end)
    people = await _people(session, {r.household_id for rs in found_households.values() for r in rs})
    by_type: dict[str, int] = defaultdict(int)
    by_risk: dict[str, int] = defaultdict(int)
    standing_type: dict[str, int] = defaultdict(int)
    standing_risk: dict[str, int] = defaultdict(int)
    lists: dict[str, list[dict[str, Any]]] = {"newly_monitored": [], "eliminated": []}
    for column, households in found_households.items():
        for r in households:
            members, household_no = people.get(r.household_id, (0, ""))
            row = rows[r.region_code[:depth]]
            row.village = r.region_code[:depth]
            setattr(row, column, getattr(row, column) + 1)
            setattr(row, f"{column}_people", getattr(row, f"{column}_people") + members)
            if column in ("newly_monitored", "monitored_now"):
                kind = OBJECT_ZH.get(r.object_type or "", "未定")
                risks = [RISK_ZH.get(c or "", str(c)) for c in dict.fromkeys(x.get("category") for x in r.risks)]
                types, risk_counts = (
                    (by_type, by_risk) if column == "newly_monitored" else (standing_type, standing_risk)
                )
                types[kind] += 1
                for risk in risks:
                    risk_counts[risk] += 1
                if column == "monitored_now":
                    continue
            else:
                accepted = r.acceptance or {}
                risks = [RISK_ZH.get(c, c) for c in accepted.get("original_risks", [])]
                kind = OBJECT_ZH.get(accepted.get("object_type") or "", "未定")
            lists[column].append(
                {
                    "village": r.region_code,
                    "village_name": regions().name(r.region_code) or r.region_code,
                    "household_no": household_no,
                    "people": members,
                    "object_type": kind,
                    "risks": "、".join(risks),
                }
            )
    queries = {
        "measures_implemented": select(Plan.region_code, func.count())
        .join(PlanMeasure, PlanMeasure.plan_id == Plan.id)
        .where(
            Plan.region_code.like(township + "%"),
            PlanMeasure.implemented_on >= start,
            PlanMeasure.implemented_on < end,
        ),
        # Overdue at the month's end: due before it and not implemented by then.
        "measures_overdue": select(Plan.region_code, func.count())
        .join(PlanMeasure, PlanMeasure.plan_id == Plan.id)
        .where(
            Plan.region_code.like(township + "%"),
            Plan.state.in_(("approved", "closed")),
            PlanMeasure.due_date < end,
            (PlanMeasure.implemented_on.is_(None)) | (PlanMeasure.implemented_on >= end),
            PlanMeasure.status != "failed",
            IN_FORCE,
        ),
    }
    for column, q in queries.items():
        for region_code, count in await session.execute(q.group_by(q.selected_columns[0])):
            row = rows[region_code[:depth]]
            row.village = region_code[:depth]
            setattr(row, column, getattr(row, column) + count)
    villages = sorted(rows.values(), key=lambda r: r.village)
    for r in villages:
        r.village_name = regions().name(r.village) or r.village
    last_day = end - dt.timedelta(days=1)
    found = (await policy.packs_in_force(session, PolicyPack, {township}, last_day))[township]
    report = found.values.report if found else PackValues().report
    return MonthlyReport(
        township=township,
        township_name=regions().name(township) or township,
        month=month,
        due_by=end.replace(day=report.deadline_day),
        due_by_source=found.pack.ref if found else "local default: no policy pack governs the township",
        generated_at=clock.now(),
        villages=villages,
        totals={c: sum(getattr(r, c) for r in villages) for c, _, _ in COLUMNS[2:]},
        by_type=dict(sorted(by_type.items())),
        by_risk=dict(sorted(by_risk.items())),
        rows_by="township" if depth == 9 else "village",
        newly_monitored_list=sorted(lists["newly_monitored"], key=lambda x: (x["village"], x["household_no"])),
        eliminated_list=sorted(lists["eliminated"], key=lambda x: (x["village"], x["household_no"])),
        monitored_by_type=dict(sorted(standing_type.items(), key=lambda kv: -kv[1])),
        monitored_by_risk=dict(sorted(standing_risk.items(), key=lambda kv: -kv[1])),
        trend=await _trend(session, township, start, found_households),
    )


async def _trend(
    session: AsyncSession, township: str, start: dt.date, this_month: dict[str, list[Any]]
) -> list[dict[str, Any]]:
    """The eleven months before this one counted the same way as it (the same queries), then this one."""
    months, first = [], start
    for _ in range(11):
        first = (first - dt.timedelta(days=1)).replace(day=1)
        months.append(first)
    out = []
    for month_start in reversed(months):
        end = (month_start + dt.timedelta(days=32)).replace(day=1)
        begin, finish = (dt.datetime.combine(d, dt.time(), CST) for d in (month_start, end))
        found = await _households(session, township, begin, finish, end)
        out.append({"month": f"{month_start:%Y-%m}", **{k: len(v) for k, v in found.items()}})
    return [*out, {"month": f"{start:%Y-%m}", **{k: len(v) for k, v in this_month.items()}}]


def to_xlsx(report: MonthlyReport) -> bytes:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = report.month
    ws.append([f"{report.township_name}防止返贫监测帮扶月报（{report.month}）"])
    ws.append(
        [
            f"{'县（市、区）' if report.rows_by == 'township' else '乡镇'}代码 {report.township}    "
            f"报送截止 {report.due_by}    "
            f"生成于 {clock.official_time(report.generated_at)}（北京时间）"
        ]
    )
    ws.merge_cells(start_row=2, start_column=1, end_row=2, end_column=len(COLUMNS))
    labels = [zh for _, zh, _ in COLUMNS]
    if report.rows_by == "township":
        labels[:2] = ["乡镇（街道）代码", "乡镇（街道）"]
    ws.append(labels)
    for r in report.villages:
        ws.append([getattr(r, c) for c, _, _ in COLUMNS])
    ws.append(["合计", "", *(report.totals[c] for c, _, _ in COLUMNS[2:])])
    ws.merge_cells(start_row=ws.max_row, start_column=1, end_row=ws.max_row, end_column=2)
    for heading, counts in (("本月新纳入监测户，按监测对象类型", report.by_type), ("按返贫致贫风险", report.by_risk)):
        ws.append([heading, "户数"])
        for label, households in counts.items():
            ws.append([label, households])
    xlsx_text_only(ws)
    print_ready(ws, first_row=3, header_row=3, span=len(COLUMNS), landscape=True)
    for title, listed in (
        ("新纳入监测户名单", report.newly_monitored_list),
        ("风险消除户名单", report.eliminated_list),
    ):
        sheet = wb.create_sheet(title)
        sheet.append([f"{report.township_name}{report.month} {title}"])
        sheet.append([zh for _, zh in LIST_COLUMNS])
        for i, item in enumerate(listed, start=1):
            sheet.append([i, *(item[k] for k, _ in LIST_COLUMNS[1:])])
        xlsx_text_only(sheet)
        print_ready(sheet, first_row=2, header_row=2, span=len(LIST_COLUMNS))
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
