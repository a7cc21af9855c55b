"""One public notice for every procedure (`common.notice`): its end in working days on the calendar, an
objection judged by when it is recorded against that window, the step after it waiting for its end (no
database: what these checks answer is refused before any table is reached)."""

import asyncio
import datetime as dt
from types import SimpleNamespace
from typing import Any

import pytest
from sqlalchemy import Column, ForeignKey, MetaData, String, Table
from sqlalchemy.orm import registry

from common.clock import NoticeOver
from common.errors import Conflict
from common.notice import Notice
from common.workdays import Deadline, package_calendar
from devkit.testing.fixtures import on_day

mapper = registry(metadata=MetaData(schema="notice_test"))


@mapper.mapped
class Objection:
    __table__ = Table(
        "objections",
        mapper.metadata,
        Column("id", String, primary_key=True),
        Column("subject_id", ForeignKey("notice_test.subjects.id")),
        Column("text", String),
        Column("outcome", String),
    )


Table("subjects", mapper.metadata, Column("id", String, primary_key=True))


class NotOver(Conflict):
    slug, title, title_zh = "not-over", "The notice is not over", "公示期未满"


async def workdays(session: Any, start: dt.date, n: int) -> Deadline:
    return package_calendar().add_workdays(start, n)


NOTICE = Notice(
    workdays,
    published_on="published",
    ends_on="ends",
    assumed="assumed",
    link=Objection.subject_id,  # type: ignore[attr-defined]
    text="text",
    outcome="outcome",
    pending=None,
    note="note",
    not_over=NotOver,
)


def test_a_notice_ends_on_its_last_working_day_and_nothing_is_objected_after_it() -> None:
    subject = SimpleNamespace(id="s", published=None, ends=None, assumed=None)
    # The official 2026 working-day arrangement (the calendar of docs/adr/0004-working-day-calendar.md): published
    # on 2026-09-28, five working days run through the National Day holiday and its make-up Saturday
    due = asyncio.run(NOTICE.publish(None, subject, dt.date(2026, 9, 28), 5))  # type: ignore[arg-type]
    assert (subject.published, subject.ends, subject.assumed) == (dt.date(2026, 9, 28), dt.date(2026, 10, 10), False)
    assert due.due == subject.ends
    with on_day(dt.date(2026, 10, 10)), pytest.raises(NotOver) as running:
        NOTICE.check_ended(subject, "核查")
    assert running.value.extra == {"ends": "2026-10-10"} and "期满后方可核查" in str(running.value.detail_zh)
    with on_day(dt.date(2026, 10, 11)):
        NOTICE.check_ended(subject, "核查")  # over: the step after it may follow
        with pytest.raises(NoticeOver):  # judged by when it is recorded, whatever date it claims
            asyncio.run(NOTICE.object(None, subject, "迟到的异议", "cadre"))  # type: ignore[arg-type]
    NOTICE.withdraw(subject)
    assert subject.published is None and subject.ends is None
