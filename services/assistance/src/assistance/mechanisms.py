"""The shared mechanisms as they live in assistance's schema: the outbox its events leave through, the inbox and
the idempotency keys that make a consumed event and a retried request apply once, the working-day calendar
as intake's ops load it (ADR 0004), the public notices of plans and eliminations, and the
recorder of reads of personal data."""

import datetime as dt
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from assistance.schema import Base
from common.access_audit import AccessAudit
from common.calendar_replica import CalendarReplica
from common.errors import Conflict
from common.messaging.outbox import Outbox
from common.messaging.tables import dead_letter_table, idempotency_table, inbox_table
from common.notice import Notice
from common.workdays import Deadline
from contracts.assistance import DEPARTMENT_LIST_TOPIC, ELIMINATION_TOPIC, FOLLOW_UP_TOPIC, PLAN_TOPIC

outbox = Outbox(
    Base.metadata,
    source="/safetynet/assistance",
    topics=[PLAN_TOPIC, ELIMINATION_TOPIC, FOLLOW_UP_TOPIC, DEPARTMENT_LIST_TOPIC],
)
inbox = inbox_table(Base.metadata)
dead_letters = dead_letter_table(Base.metadata)
idempotency = idempotency_table(Base.metadata)
calendar = CalendarReplica(Base.metadata)
audit = AccessAudit(outbox, service="assistance")
FOLLOW_UP = "assistance follow-up"  # why assistance reads a household's data: the purpose its reads record


async def workdays(session: AsyncSession, start: dt.date, n: int) -> Deadline:
    """The n-th working day after `start`, on the calendar intake's ops load (replicated here): a notice's end."""
    return (await calendar.calendar(session)).add_workdays(start, n)


def notice(link: Any, illegal: type[Conflict], **columns: Any) -> Notice:
    """A public notice of a plan's measures or of a risk's elimination (`common.notice`), in the columns
    every objection to one has (`schema.ObjectionColumns`); `illegal` is its procedure's problem."""
    return Notice(
        workdays,
        published_on="notice_published_on",
        ends_on="notice_until",
        assumed="notice_until_assumed",
        link=link,
        text="text",
        outcome="resolution",
        pending=None,
        note="resolution_note",
        already=illegal,
        not_over=illegal,
        **columns,
    )
