"""The list forms in their official layouts (《仲恺高新区健全防止返贫动态监测和帮扶机制工作方案》(2021) 附件2、4、5、7,
and the measures' notice in the identification notice's layout), filled from the log and worded by the
jurisdiction's pack:

- a village's notice (公示): "我村于……召开村民代表会议，评议_户_人……现予公示，如有异议，请自公示之日起_个工作日内
  向村委会提出意见", the list, the supervision telephone, the village committee's seal and the date;
- a county's approval (审定批复): addressed to the township(s), "同意你镇（街道）上报共_户_人……", the list, the
  office's seal and the date.

Names and resident ID numbers never enter the log: the head's name and ID columns are left to be written
(the household is identified by its 户编号 beside them)."""

from collections.abc import Callable
from typing import Any

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from common import clock
from common.errors import NotFound
from common.regions import full_name, regions
from ledger.archive.forms import FORMS, Form, cn_date, household_of, households_of, risks_text
from ledger.archive.packs import wording
from ledger.archive.stated import BLANK, recorded_on
from ledger.models import Entry

NOTICES = {
    "village-preselection-notice": ("intake.case.notice-published", "intake.case.village-reviewed"),
    "elimination-notice": ("assistance.elimination.notice-published", "assistance.elimination.village-reviewed"),
    "measures-notice": ("assistance.plan.notice-published", "assistance.plan.village-reviewed"),
}
# The forms that list each household's measures beside its risks.
WITH_MEASURES = {"elimination-notice", "elimination-approval", "measures-notice"}
APPROVALS = {
    "county-approval": "intake.case.approved",
    "elimination-approval": "assistance.elimination.approved",
}


async def _entries(session: AsyncSession, type_: str, *where: ColumnElement[bool]) -> list[Entry]:
    """The entries of a type that meet `where` (in SQL: a list form reads its own entries, not all of a type)."""
    q = select(Entry).where(Entry.type == type_, *where)
    return list((await session.execute(q.order_by(Entry.leaf_index))).scalars())


def _village(code: str) -> ColumnElement[bool]:
    return Entry.data["region_code"].astext == code


def _step(field: str) -> ColumnElement[str]:
    """A field of the step's own record (the event's `data`), as text."""
    return Entry.data["data"][field].astext


async def list_form(session: AsyncSession, code: str, key: str, covers: Callable[[str], bool]) -> Form:
    """A village's notice (key: village code and date, `532504102001@2026-09-28`) or a county approval (key:
    the approval number), within the caller's jurisdiction."""
    if code in NOTICES:
        village, _, day = key.partition("@")
        rows = await _entries(
            session, NOTICES[code][0], _village(village), func.substr(_step("published_on"), 1, 10) == day
        )
    elif code in APPROVALS:
        rows = await _entries(session, APPROVALS[code], _step("approval_no") == key)
    else:
        raise NotFound(f"{code} is not a list form")
    rows = [r for r in rows if covers(str(r.data.get("region_code", "")))]
    if not rows:
        raise NotFound("Nothing recorded for this form within your jurisdiction")
    registrations = await households_of(session, {r.subject for r in rows})
    listed, people = [], 0
    for r in rows:
        h = household_of(registrations[r.subject])
        members = len([m for m in h["members"] if m.get("active", True)])
        people += members
        step = r.data.get("data", {})
        # A case's events carry its risks; an elimination's notice and approval carry the plan's risks and measures;
        # a plan's notice its risks, and its measures as noticed.
        risks = risks_text(r.data.get("risks") or [{"category": c} for c in step.get("risks", [])])
        names = step.get("measure_names") or [m.get("name") or m["code"] for m in r.data.get("measures", [])]
        listed.append((r, h, members, risks, "、".join(names) or BLANK))
    if code in NOTICES:
        return await _notice(session, code, key, listed, people)
    return await _approval(session, code, key, listed, people, code == "elimination-approval")


async def _notice(session: AsyncSession, code: str, key: str, listed: list[Any], people: int) -> Form:
    village, _, day = key.partition("@")
    words = (await wording(session, village, clock.today())).values
    days = {
        "elimination-notice": words.elimination.notice_working_days,
        "measures-notice": words.measures.notice_working_days,
    }.get(code, words.identification.notice_working_days)
    # The village meeting whose review the notice follows: the latest review of the listed households.
    reviews = [
        str(r.data.get("data", {}).get("meeting_date", ""))
        for r in await _entries(session, NOTICES[code][1], _village(village))
        if r.subject in {x[0].subject for x in listed}
    ]
    meeting = max((m for m in reviews if m and m <= day), default=None)
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
        [i, h["household_no"], BLANK, members, risks, *([measures] if code in WITH_MEASURES else [])]
        for i, (_, h, members, risks, measures) in enumerate(listed, start=1)
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
    )


async def _approval(
    session: AsyncSession, code: str, key: str, listed: list[Any], people: int, eliminating: bool
) -> Form:
    first = listed[0][0]
    words = (await wording(session, str(first.data.get("region_code", "")), clock.today())).values.paperwork
    townships = dict.fromkeys(
        regions().name(r.data["region_code"][:9]) or r.data["region_code"][:9] for r, *_ in listed
    )
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
        [i, regions().name(r.data["region_code"]) or r.data["region_code"], h["household_no"], BLANK, members, BLANK]
        for i, (r, h, members, _, _) in enumerate(listed, start=1)
    ]
    stated = first.data.get("data", {}).get("approved_on") or recorded_on(first.data)
    return Form(
        code,
        f"{FORMS[code].replace('区级', words.approver)}（{key}）",
        letter=[f"{'、'.join(townships)}：", f"{checked}，{what}"],
        table_header=["序号", "行政村名称", "户编号", "户主姓名", "家庭人口数", "户主身份证号"],
        table=table,
        sign=[f"{words.office}（盖章）", cn_date(stated)],
    )
