"""The township's monthly report, due by the day of the next month the jurisdiction's pack gives (弥勒市: 次月3日前;
宁夏: 每月上旬, read as the 10th): households newly monitored and risk-eliminated in the month, measures
implemented in it and overdue at its end, by village."""

import datetime as dt
import io
from collections import defaultdict
from dataclasses import dataclass, field

from openpyxl import Workbook
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from assistance.elimination.models import Elimination
from assistance.plans.models import IN_FORCE, Plan, PlanMeasure
from assistance.projections.models import MonitoredCase, PolicyPack
from common import policy
from common.clock import CST
from common.exports import print_ready, xlsx_text_only
from common.regions import regions
from contracts.policy import PackValues

COLUMNS = [
    ("village", "村（社区）代码", "village code"),
    ("village_name", "村（社区）", "village"),
    ("newly_monitored", "新纳入监测户数", "households newly monitored"),
    ("eliminated", "风险消除户数", "households risk-eliminated"),
    ("measures_implemented", "落实帮扶措施数", "measures implemented"),
    ("measures_overdue", "逾期未落实措施数", "measures overdue at month end"),
]


@dataclass
class VillageRow:
    village: str
    village_name: str
    newly_monitored: int = 0
    eliminated: int = 0
    measures_implemented: int = 0
    measures_overdue: int = 0


@dataclass
class MonthlyReport:
    township: str
    township_name: str
    month: str
    due_by: dt.date
    due_by_source: str  # the pack the deadline comes from
    generated_at: dt.datetime
    villages: list[VillageRow] = field(default_factory=list)
    totals: dict[str, int] = field(default_factory=dict)


def month_bounds(month: str) -> tuple[dt.date, dt.date]:
    start = dt.date.fromisoformat(month + "-01")
    end = (start + dt.timedelta(days=32)).replace(day=1)
    return start, end


async def build(session: AsyncSession, township: str, month: str) -> MonthlyReport:
    start, end = month_bounds(month)
    begin = dt.datetime.combine(start, dt.time(), dt.UTC)
    finish = dt.datetime.combine(end, dt.time(), dt.UTC)
    rows: dict[str, VillageRow] = defaultdict(lambda: VillageRow("", ""))
    queries = {
        "newly_monitored": select(MonitoredCase.region_code, func.count()).where(
            MonitoredCase.region_code.like(township + "%"),
            MonitoredCase.approved_at >= begin,
            MonitoredCase.approved_at < finish,
        ),
        "eliminated": select(Elimination.region_code, func.count()).where(
            Elimination.region_code.like(township + "%"),
            Elimination.state == "approved",
            Elimination.approved_on >= start,
            Elimination.approved_on < end,
        ),
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
            row = rows[region_code]
            row.village = region_code
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
        generated_at=dt.datetime.now(dt.UTC),
        villages=villages,
        totals={c: sum(getattr(r, c) for r in villages) for c, _, _ in COLUMNS[2:]},
    )


def to_xlsx(report: MonthlyReport) -> bytes:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = report.month
    ws.append([f"{report.township_name}防止返贫监测帮扶月报（{report.month}）"])
    ws.append(
        [
            f"乡镇代码 {report.township}",
            f"报送截止 {report.due_by}",
            f"生成于 {report.generated_at.astimezone(CST):%Y-%m-%d %H:%M}（北京时间）",
        ]
    )
    ws.append([zh for _, zh, _ in COLUMNS])
    for r in report.villages:
        ws.append([getattr(r, c) for c, _, _ in COLUMNS])
    ws.append(["合计", "", *(report.totals[c] for c, _, _ in COLUMNS[2:])])
    ws.merge_cells(start_row=ws.max_row, start_column=1, end_row=ws.max_row, end_column=2)
    xlsx_text_only(ws)
    print_ready(ws, first_row=3, header_row=3, span=len(COLUMNS))
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
