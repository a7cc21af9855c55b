"""The household's dossier (一户一档) as an inspector reads it, drawn from the log alone: the household and
its members, its risks, every step of its identification with date, officer and what was recorded, the
plan and its measures with their progress and evidence, the monthly income and the 两不愁三保障 checks,
the elimination, the objections, who read the household's data, and then, as an appendix, each entry's
inclusion proof and the signed checkpoint, for whoever wants to verify the record without the system.

Names and resident ID numbers never enter the log (the ledger holds blind indexes): the members are shown
by relation, sex and birth date, and the dossier says where the identifiers are kept."""

import datetime as dt
import re
from collections.abc import Iterable
from typing import Any

from reportlab.platypus import Flowable

from common import pdf
from common.clock import cst_date, official, official_time
from common.regions import full_name
from common.vocabulary import (
    CATEGORY_ZH,
    CHANNEL_ZH,
    CRITERIA_ZH,
    DETAIL_VALUE_ZH,
    EVENT_ZH,
    FIELD_ZH,
    GUARANTEE_ZH,
    HEALTH_ZH,
    LABOUR_ZH,
    MEASURE_STATUS_ZH,
    NO_REASON_ZH,
    OBJECT_ZH,
    RELATION_ZH,
    RISK_DETAIL_ZH,
    RISK_ZH,
    SEX_ZH,
    band_zh,
    zh,
)
from contracts.assistance import (
    ELIMINATION_TOPIC,
    PLAN_TOPIC,
    FollowUpGuaranteesCheckedV1,
    FollowUpIncomeMonthsRecordedV1,
    PlanEventBase,
)
from contracts.intake import (
    CASE_EVENTS,
    CASE_TOPIC,
    CaseEventBase,
    HouseholdIncomeRecordedV1,
    HouseholdRegisteredV1,
    HouseholdUpdatedV1,
)
from contracts.screening import AlertConfirmedV1
from contracts.steps import (
    AcceptanceRecord,
    MeetingRecord,
    NoticeRecord,
    ObjectionRecord,
    ResolutionRecord,
    StepRecord,
    VerificationRecord,
)
from ledger.archive.reads import actor, reads_chapter
from ledger.archive.records import event_of, every, latest
from ledger.archive.stated import BLANK, recorded_on, shown, step_date
from ledger.models import Entry

# What a step records that the dossier shows elsewhere or that is no reader's business (internal ids).
_NOT_SHOWN = {"risks", "income_12_months", "income_source", "measures", "measure_classes", "calendar_assumed"}
# The officers a form's signature boxes name: shown as who handled the step (办理人), by name and post.
_SIGNATORIES = {"officer_name", "village_secretary", "monitor_contact"}
_VALUES: dict[str, dict[str, str]] = {
    "channel": CHANNEL_ZH,
    "channels": CHANNEL_ZH,
    "object_type": OBJECT_ZH,
    "no_reasons": NO_REASON_ZH,
    "original_risks": RISK_ZH,
    "risks": RISK_ZH,
    "decision": {"yes": "是", "no": "否"},
}


def _value(key: str, value: Any) -> str:
    """A recorded value as a reader reads it: labels for codes, 是/否, a file by its digest's first digits."""
    if isinstance(value, bool):
        return {"passed": {True: "通过", False: "未通过"}}.get(key, {True: "是", False: "否"})[value]
    if isinstance(value, list):
        return "、".join(_value(key, v) for v in value) or "无"
    if isinstance(value, dict):
        labels = CRITERIA_ZH if key == "criteria" else {}
        return "；".join(f"{labels.get(k, k)}：{_value(k, v)}" for k, v in value.items())
    if key.endswith(("_on", "_date", "_until")) and isinstance(value, str):
        return shown(value, None)  # a date, as official documents print it
    if key == "income_band":
        return band_zh(str(value)) or str(value)
    if key == "policy":
        return _policy(str(value))
    return zh(_VALUES.get(key, {}), value)


_POLICY_REF = re.compile(r"^policy:([^:]*):(\d{4}):v(\d+)(?: \(assumed for (\d{4})\))?$")


def _policy(ref: str) -> str:
    """A step's policy reference (policy:532504:2020:v1 (assumed for 2026)) as its reader says it."""
    m = _POLICY_REF.match(ref)
    if not m:
        return ref
    where, year, version, assumed = m.groups()
    place = "全国" if where in ("", "CN") else full_name(where) or where
    text = f"{place}{year}年监测政策第{version}版"
    return f"{text}（{assumed}年政策未发布，暂按此执行）" if assumed else text


def _record(r: Entry) -> dict[str, Any]:
    """A step's record as its contract declares it (nothing for an event that records no step)."""
    event = event_of(r)
    record = getattr(event, "data", None)  # the steps' events carry one; other events do not
    return record.model_dump(mode="json") if isinstance(record, StepRecord) else {}


def _fields(data: dict[str, Any]) -> str:
    shown = []
    for key, value in data.items():
        if key in _NOT_SHOWN or key in _SIGNATORIES or value in (None, "", [], {}) or key.endswith("_id"):
            continue
        if key.endswith("_sha256"):  # a file by what it is; its digest's first digits find it where it is kept
            shown.append(f"附件《{FIELD_ZH.get(key, '佐证材料')}》（原件存建档登记系统，SHA-256 {str(value)[:12]}）")
            continue
        shown.append(f"{FIELD_ZH.get(key, key)}：{_value(key, value)}")
    return "；".join(shown) or "—"


def _signatories(r: Entry) -> str | None:
    """The officers who signed a verification or an acceptance, by name and post as its record names them:
    the printed form leaves their boxes to the pen, so the dossier is where who handled the step is read."""
    record = getattr(event_of(r), "data", None)
    if not isinstance(record, VerificationRecord | AcceptanceRecord):
        return None
    named = [(record.officer_name, "镇街干部"), (record.village_secretary, "村支部书记")]
    if isinstance(record, AcceptanceRecord):
        named.append((record.monitor_contact, "监测联系人"))
    return "、".join(f"{name}（{post}）" for name, post in named if name) or None


def _steps(rows: Iterable[Entry]) -> list[list[Any]]:
    return [
        [
            i + 1,
            EVENT_ZH.get(r.type, r.type),
            _imported_on(r.data) or step_date(r.data) or official(recorded_on(r.data) or cst_date(r.time)),
            _signatories(r) or actor(r.data),
            _imported(r.data) or _fields(_record(r)),
        ]
        for i, r in enumerate(rows)
    ]


def _imported_on(data: dict[str, Any]) -> str | None:
    """An imported case's date is the national system's identification, not the day it was imported."""
    identified = (data.get("history") or {}).get("identified_on") if data.get("imported_from") else None
    return official(dt.date.fromisoformat(identified)) if identified else None


def _imported(data: dict[str, Any]) -> str | None:
    """What was imported says so, with the file and row it came from, and the history as that system kept it."""
    origin = data.get("imported_from")
    if not origin:
        return None
    said = [f"导入自全国防止返贫监测信息系统导出文件（摘要{origin['file_sha256'][:12]}…，第{origin['row']}行）"]
    history = data.get("history") or {}
    for m in history.get("measures") or []:
        end = f"至{official(dt.date.fromisoformat(m['ended_on']))}" if m.get("ended_on") else "起"
        said.append(f"帮扶措施：{m['name']}，{official(dt.date.fromisoformat(m['started_on']))}{end}")
    if history.get("eliminated_on"):
        said.append(f"风险消除：{official(dt.date.fromisoformat(history['eliminated_on']))}")
    return "；".join(said)


def _risk_details(risk: dict[str, Any]) -> str:
    details = {**(risk.get("details") or {}), **{k: v for k, v in risk.items() if k not in ("category", "details")}}
    return (
        "；".join(
            f"{zh(RISK_DETAIL_ZH, k)}：{zh(DETAIL_VALUE_ZH, v)}"
            for k, v in details.items()
            if not k.endswith("member_id") and v not in (None, "")
        )
        or "—"
    )


def flowables(rows: list[Entry], as_of: dt.datetime, reader: str, purpose: str) -> list[Flowable]:
    """The dossier's chapters, each from the entries that record it; a chapter with nothing recorded says so."""
    h = latest(rows, HouseholdRegisteredV1, HouseholdUpdatedV1)
    region = h.region_code if h else str(next((r.data.get("region_code") for r in rows), "") or "")
    members = [m for m in h.members if m.active] if h else []
    flow: list[Flowable] = [
        pdf.table(
            [
                ["项目", "内容"],
                ["户编号", h.household_no if h else BLANK],
                ["系统标识", str(h.household_id) if h else BLANK],
                ["所在地", f"{full_name(region) or region}（{region}）"],
                ["户类别", zh(CATEGORY_ZH, h.category if h else None) or BLANK],
                ["家庭人口", f"{len(members)}人"],
                ["截至", f"{official_time(as_of)}（北京时间）"],
                ["查阅人 / 用途", f"{reader} / {purpose}（本次查阅已记入查阅记录）"],
            ],
            [40, 140],
        ),
        pdf.paragraph("一、家庭成员", "h"),
    ]
    if members:
        flow.append(
            pdf.table(
                [["序号", "与户主关系", "性别", "出生日期", "劳动能力", "健康状况", "残疾", "在校情况"]]
                + [
                    [
                        i + 1,
                        zh(RELATION_ZH, m.relation),
                        zh(SEX_ZH, m.sex),
                        shown(m.birth_date, None),
                        zh(LABOUR_ZH, str(m.labour_capacity)),
                        zh(HEALTH_ZH, m.health) or "—",
                        f"{zh(DETAIL_VALUE_ZH, m.disability_category)}{m.disability_grade or ''}级"
                        if m.disability_category
                        else "—",
                        m.schooling or "—",
                    ]
                    for i, m in enumerate(members)
                ],
                [12, 22, 12, 24, 28, 22, 30, 30],
            )
        )
    flow.append(
        pdf.paragraph(
            "成员姓名、身份证号和联系电话加密保存在建档登记系统，不进入账本；账本以不可逆的盲索引关联，"
            "如需核对，经授权在建档登记系统查阅（查阅留痕）。"
        )
    )
    flow += _risks(rows)
    flow += _chapter("三、认定程序", [r for r in rows if r.topic == CASE_TOPIC], "尚无认定记录")
    flow += _plan(rows)
    flow += _follow_up(rows)
    flow += _chapter("六、风险消除", [r for r in rows if r.topic == ELIMINATION_TOPIC], "尚无风险消除记录")
    objections = [r for r in rows if "objection" in r.type]
    flow += _chapter("七、异议及处理", objections, "公示期间未收到异议")
    flow += reads_chapter(rows)
    return flow


def _chapter(title: str, rows: list[Entry], empty: str) -> list[Flowable]:
    if not rows:
        return [pdf.paragraph(title, "h"), pdf.paragraph(empty)]
    return [
        pdf.paragraph(title, "h"),
        pdf.table([["序号", "环节", "日期", "办理人", "记录内容"], *_steps(rows)], [10, 30, 30, 32, 78]),
    ]


def _risks(rows: list[Entry]) -> list[Flowable]:
    flow: list[Flowable] = [pdf.paragraph("二、返贫致贫风险", "h")]
    case: CaseEventBase | None = latest(rows, *CASE_EVENTS.values())
    risks = [r.model_dump(mode="json") for r in case.risks] if case else []
    table: list[list[Any]] = [[zh(RISK_ZH, r.get("category")), _risk_details(r)] for r in risks]
    for alert in every(rows, AlertConfirmedV1):
        for f in alert.findings:
            table.append([f"部门预警（{zh(RISK_ZH, str(f.category))}）", f.explanation_zh or f.explanation])
    if not table:
        return [*flow, pdf.paragraph("尚未登记风险")]
    if case and case.object_type:
        flow.append(pdf.paragraph(f"监测对象类型：{zh(OBJECT_ZH, str(case.object_type))}", "sub"))
    return [*flow, pdf.table([["风险", "登记内容"], *table], [40, 140])]


def _plan(rows: list[Entry]) -> list[Flowable]:
    flow: list[Flowable] = [pdf.paragraph("四、帮扶计划与措施（一户一策）", "h")]
    plans = [r for r in rows if r.topic == PLAN_TOPIC]
    if not plans:
        return [*flow, pdf.paragraph("尚无帮扶计划")]
    steps = [e for e in map(event_of, plans) if isinstance(e, PlanEventBase)]
    flow.append(
        pdf.table(
            [["序号", "环节", "日期", "办理人", "记录内容"]]
            + [
                [
                    i + 1,
                    EVENT_ZH.get(r.type, r.type),
                    step_date(r.data) or str(recorded_on(r.data) or ""),
                    actor(r.data),
                    _plan_note(event),
                ]
                for i, (r, event) in enumerate(zip(plans, steps, strict=True))
            ],
            [10, 30, 30, 32, 78],
        )
    )
    measures = steps[-1].measures
    flow.append(pdf.paragraph("帮扶措施及落实情况（以最近一次记录为准）", "sub"))
    flow.append(
        pdf.table(
            [["措施", "责任单位", "责任人", "起止", "状态", "落实日期"]]
            + [
                [
                    m.name or m.code,
                    m.responsible_unit or BLANK,
                    m.responsible_cadre or BLANK,
                    f"{shown(m.start_date, None)}至{shown(m.due_date, None)}",
                    zh(MEASURE_STATUS_ZH, m.status),
                    shown(m.implemented_on, None) if m.implemented_on else "—",
                ]
                for m in measures
            ],
            [46, 34, 22, 36, 18, 24],
        )
    )
    evidence = [
        [m.name or m.code, shown(e.date or e.at, None), e.description, e.amount or ""]
        for m in measures
        for e in m.evidence
    ]
    if evidence:
        flow.append(pdf.paragraph("进展与佐证", "sub"))
        flow.append(pdf.table([["措施", "日期", "说明", "金额（元）"], *evidence], [46, 24, 86, 24]))
    return flow


def _plan_note(event: PlanEventBase) -> str:
    note = "、".join(f"{m.name or m.code}（{zh(MEASURE_STATUS_ZH, m.status)}）" for m in event.measures)
    if event.excluded_reason:
        note = f"不予帮扶：{event.excluded_reason}；{note}"
    step = event.data
    # The measures' review, notice and objections (中农组发〔2021〕7号 三(二)): what each recorded.
    if isinstance(step, MeetingRecord):
        passed = "通过" if step.passed else "未通过"
        note = f"到会代表{step.representatives_present}人，同意{step.votes_for}票，{passed}；{note}"
    elif isinstance(step, NoticeRecord):
        note = f"公示{step.published_on}至{step.until}；{note}"
    elif isinstance(step, ObjectionRecord):
        note = f"异议：{step.objection}"
    elif isinstance(step, ResolutionRecord):
        note = f"{'异议成立，退回重新评议' if step.resolution == 'upheld' else '异议不成立'}：{step.note}"
    return note or "—"


def _follow_up(rows: list[Entry]) -> list[Flowable]:
    flow: list[Flowable] = [pdf.paragraph("五、收入监测与“两不愁三保障”核查", "h")]
    months: dict[str, str] = {}
    for recorded in every(rows, FollowUpIncomeMonthsRecordedV1):
        months.update({m["month"]: m["per_capita"] for m in recorded.months})  # a correction wins
    years = every(rows, HouseholdIncomeRecordedV1)
    if years:
        flow.append(
            pdf.table(
                [["年度", "人均纯收入（元）", "工资性", "生产经营性", "财产性", "转移性", "刚性支出（医疗/教育/其他）"]]
                + [
                    [
                        y.year,
                        y.per_capita_net_income,
                        y.wages,
                        y.production,
                        y.property,
                        y.transfers,
                        f"{y.medical_expense} / {y.schooling_expense} / {y.other_rigid_expense}",
                    ]
                    for y in years
                ],
                [14, 28, 22, 24, 18, 20, 54],
            )
        )
    if months:  # six months a line: the month over its income
        ordered, grid = sorted(months.items()), []
        for i in range(0, len(ordered), 6):
            chunk = ordered[i : i + 6]
            pad = [""] * (6 - len(chunk))
            grid += [["月份", *[m for m, _ in chunk], *pad], ["人均收入（元）", *[v for _, v in chunk], *pad]]
        flow.append(pdf.paragraph("月度人均收入", "sub"))
        flow.append(pdf.table(grid, [28] + [25] * 6))
    checks = [c.model_dump() for c in every(rows, FollowUpGuaranteesCheckedV1)]
    if checks:
        flow.append(
            pdf.table(
                [["核查日期", *GUARANTEE_ZH.values(), "核查人"]]
                + [
                    [
                        shown(c["checked_on"], None),
                        *["√" if c[k] else "×" for k in GUARANTEE_ZH],
                        c["recorded_by"],
                    ]
                    for c in checks
                ]
            )
        )
    if not (years or months or checks):
        flow.append(pdf.paragraph("尚无收入或核查记录"))
    return flow
