"""The list forms in their official layouts (《仲恺高新区健全防止返贫动态监测和帮扶机制工作方案》(2021) 附件2、4、5、7,
and the measures' notice in the identification notice's layout), filled from the log and worded by the
jurisdiction's pack:

- a village's notice (公示): "我村于……召开村民代表会议，评议_户_人……现予公示，如有异议，请自公示之日起_个工作日内
  向村委会提出意见", the list, the supervision telephone, the village committee's seal and the date;
- a county's approval (审定批复): addressed to the township(s), "同意你镇（街道）上报共_户_人……", the list, the
  office's seal and the date.

Names and resident ID numbers never enter the log: the heads' are read from intake at print time (`heads.py`).
A notice posted in the village prints the head's name and no ID number, as 附件2 and 附件5 lay it out; an
approval, filed with the township, prints both, as 附件4 and 附件7 do."""

from collections.abc import Callable
from typing import Any, TypeAlias

from pydantic import BaseModel
from sqlalchemy import ColumnElement, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from common import clock
from common.clock import cst_date
from common.errors import NotFound
from common.regions import full_name, regions
from contracts.assistance import (
    EliminationApprovedV1,
    EliminationEventBase,
    EliminationNoticePublishedV1,
    EliminationVillageReviewedV1,
    PlanEventBase,
    PlanNoticePublishedV1,
    PlanVillageReviewedV1,
)
from contracts.intake import (
    CaseApprovedV1,
    CaseEventBase,
    CaseNoticePublishedV1,
    CaseVillageReviewedV1,
)
from contracts.steps import ApprovalRecord, CaseReviewRecord, MeetingRecord, NoticeRecord
from ledger.archive.forms import FORMS, Form, active, cn_date, household_of, households_of, risks_text
from ledger.archive.heads import Head, Heads
from ledger.archive.packs import wording
from ledger.archive.records import read
from ledger.archive.stated import BLANK
from ledger.models import Entry

Step: TypeAlias = CaseEventBase | PlanEventBase | EliminationEventBase
# Each notice: the event that publishes it and the village review it follows.
NOTICES: dict[str, tuple[type[Step], type[Step]]] = {
    "village-preselection-notice": (CaseNoticePublishedV1, CaseVillageReviewedV1),
    "elimination-notice": (EliminationNoticePublishedV1, EliminationVillageReviewedV1),
    "measures-notice": (PlanNoticePublishedV1, PlanVillageReviewedV1),
}
# The forms that list each household's measures beside its risks.
WITH_MEASURES = {"elimination-notice", "elimination-approval", "measures-notice"}
APPROVALS: dict[str, type[Step]] = {
    "county-approval": CaseApprovedV1,
    "elimination-approval": EliminationApprovedV1,
}


async def _entries(session: AsyncSession, contract: type[Step], *where: ColumnElement[bool]) -> list[Step]:
    """The entries of a type that meet `where` (in SQL: a list form reads its own entries, not all of a type)."""
    q = select(Entry).where(Entry.type == contract.type, *where)
    return [read(r, contract) for r in (await session.execute(q.order_by(Entry.leaf_index))).scalars()]


def _village(code: str) -> ColumnElement[bool]:
    return Entry.data["region_code"].astext == code


def _step(contract: type[Step], field: str) -> ColumnElement[str]:
    """A field of the step's own record (the event's `data`), as text: a field its contract declares."""
    record = contract.model_fields["data"].annotation
    if not (isinstance(record, type) and issubclass(record, BaseModel) and field in record.model_fields):
        raise LookupError(f"{contract.__name__}'s record declares no {field}")
    return Entry.data["data"][field].astext


def _listed(event: Step) -> tuple[str, str]:
    """What a list shows of a household's step: its risks, and its measures. A case's events carry its risks;
    a plan's its risks and its measures as they stand; an elimination's notice and approval the plan's risks
    and measures as the step recorded them."""
    if isinstance(event, CaseEventBase):
        return risks_text(event.risks), BLANK
    if isinstance(event, PlanEventBase):
        return risks_text(event.risks), "、".join(m.name or m.code for m in event.measures) or BLANK
    record = event.data
    if isinstance(record, NoticeRecord | ApprovalRecord):
        return risks_text(record.risks), "、".join(record.measure_names) or BLANK
    return "—", BLANK


def _meeting(event: Step) -> str | None:
    record = event.data
    if isinstance(record, CaseReviewRecord | MeetingRecord) and record.meeting_date:
        return record.meeting_date.isoformat()
    return None


async def list_form(session: AsyncSession, key: str, covers: Callable[[str], bool], heads: Heads, *, code: str) -> Form:
    """A village's notice (key: village code and date, `532504102001@2026-09-28`) or a county approval (key:
    the approval number), within the caller's jurisdiction."""
    if code in NOTICES:
        village, _, day = key.partition("@")
        published = func.substr(_step(NOTICES[code][0], "published_on"), 1, 10)
        rows = await _entries(session, NOTICES[code][0], _village(village), published == day)
    elif code in APPROVALS:
        rows = await _entries(session, APPROVALS[code], _step(APPROVALS[code], "approval_no") == key)
    else:
        raise NotFound(f"{code} is not a list form", zh=f"{code} 不是清单类表单")
    rows = [r for r in rows if covers(r.region_code)]
    if not rows:
        raise NotFound("Nothing recorded for this form within your jurisdiction", zh="您的辖区内没有此表单的记录")
    registrations = await households_of(session, {str(r.household_id) for r in rows})
    listed, people = [], 0
    for r in rows:
        h = household_of(registrations[str(r.household_id)])
        members = len(active(h))
        people += members
        listed.append((r, h, members, *_listed(r)))
    names = await heads((str(r.household_id) for r in rows), "notice" if code in NOTICES else "filed")
    if code in NOTICES:
        return await _notice(session, code, key, listed, people, names)
    return await _approval(session, code, key, listed, people, names, code == "elimination-approval")


def _name(names: dict[str, Head], event: Step) -> str:
    head = names.get(str(event.household_id))
    return head.name if head else BLANK


async def _notice(
    session: AsyncSession, code: str, key: str, listed: list[Any], people: int, names: dict[str, Head]
) -> Form:
    village, _, day = key.partition("@")
    words = (await wording(session, village, clock.today())).values
    days = {
        "elimination-notice": words.elimination.notice_working_days,
        "measures-notice": words.measures.notice_working_days,
    }.get(code, words.identification.notice_working_days)
    # The village meeting whose review the notice follows: the latest review of the listed households.
    households = {x[0].household_id for x in listed}
    reviews = await _entries(session, NOTICES[code][1], _village(village))
    meetings = [_meeting(r) for r in reviews if r.household_id in households]
    meeting = max((m for m in meetings if m and m <= day), default=None)
    what = {
        "elimination-notice": f"评议防止返贫致贫监测对象{len(listed)}户{people}人达到风险消除标准，经村级民主评议初选，"
        "拟消除监测对象风险。",
        "measures-notice": f"评议防止返贫致贫监测对象{len(listed)}户{people}人的帮扶措施，经村级民主评议，"
        "拟落实下表所列帮扶措施。",
    }.get(code, f"评议{len(listed)}户{people}人存在返贫致贫风险。经村级民主评议初选，拟认定为防止返贫监测对象。")
    eliminating = code == "elimination-notice"
    header = ["序号", "户编号", "户主姓名", "家庭人口数", "原返贫致贫风险" if eliminating else "返贫致贫风险"]
    if code in WITH_MEASURES:
        header.append("主要帮扶措施" if eliminating else "帮扶措施")
    table = [
        [i, h.household_no, _name(names, r), members, risks, *([measures] if code in WITH_MEASURES else [])]
        for i, (r, h, members, risks, measures) in enumerate(listed, start=1)
    ]
    name = regions().name(village) or village
    return Form(
        code,
        f"{full_name(village) or village} {FORMS[code]}",
        letter=[
            f"我村于{cn_date(meeting)}召开村民代表会议，{what}"
            f"现予公示，如有异议，请自公示之日起{days}个工作日内向村委会提出意见。"
        ],
        table_header=header,
        table=table,
        footer=[f"监督电话：{BLANK}"],
        sign=[f"{name}村委会（盖章）", cn_date(day)],
        region=village,
    )


async def _approval(
    session: AsyncSession,
    code: str,
    key: str,
    listed: list[Any],
    people: int,
    names: dict[str, Head],
    eliminating: bool,
) -> Form:
    first = listed[0][0]
    words = (await wording(session, first.region_code, clock.today())).values.paperwork
    townships = dict.fromkeys(regions().name(r.region_code[:9]) or r.region_code[:9] for r, *_ in listed)
    checked = f"经{words.office}联合有关单位组织核查" + (
        f"并报{words.decided_by}研究审定" if words.decided_by else "并审定"
    )
    what = (
        f"同意你镇（街道）上报共{len(listed)}户{people}人达到防止返贫致贫监测对象风险消除的帮扶效果（具体名单见下表）。"
        "请及时登记好监测对象风险消除信息，并做好后续跟踪工作。"
        if eliminating
        else f"同意你镇（街道）上报共{len(listed)}户{people}人认定为防止返贫致贫监测对象（具体名单见下表）。"
        "请依据此批复，登记好监测对象信息，并做好相关帮扶工作。"
    )
    table = [
        [
            i,
            regions().name(r.region_code) or r.region_code,
            h.household_no,
            _name(names, r),
            members,
            head.resident_id if (head := names.get(str(r.household_id))) else BLANK,
        ]
        for i, (r, h, members, _, _) in enumerate(listed, start=1)
    ]
    approved_on = first.data.approved_on if isinstance(first.data, ApprovalRecord) else None
    stated = approved_on or cst_date(first.occurred_at)
    return Form(
        code,
        f"{FORMS[code].replace('区级', words.approver)}（{key}）",
        letter=[f"{'、'.join(townships)}：", f"{checked}，{what}"],
        table_header=["序号", "行政村名称", "户编号", "户主姓名", "家庭人口数", "户主身份证号"],
        table=table,
        sign=[f"{words.office}（盖章）", cn_date(stated)],
        region=first.region_code,
    )
