"""Public notice with objections (公示), one mechanism for every notice the procedures hold: a case's
identification (中农组发〔2021〕7号 三(二)), a plan's measures, a risk's elimination. A notice is published
for the working days the jurisdiction's pack gives, counted on the working-day calendar (ADR 0004); an
objection is judged by when it is recorded, against the notice's window, not by the date it claims; each
objection is resolved once, upheld or dismissed; the step after the notice waits for its end and for every
objection to be resolved.

Each service keeps its notice and its objections in its own tables and columns, as they are: a `Notice`
names them, and the procedure's engine (`common.procedure`) records the steps around it."""

import datetime as dt
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import InstrumentedAttribute

from common import clock
from common.errors import Conflict, NotFound
from common.workdays import Deadline

# The n-th working day after a date, on the calendar as the service holds it (intake's tables, or the
# replica the other services keep of them).
Workdays = Callable[[AsyncSession, dt.date, int], Awaitable[Deadline]]


@dataclass(frozen=True)
class Notice:
    workdays: Workdays
    published_on: str  # the subject's attributes: the notice's first day, its last, and whether the
    ends_on: str  # calendar of a year nobody loaded was assumed Monday-Friday (named in answers, too)
    assumed: str
    link: InstrumentedAttribute[Any]  # the objection table's column naming what was noticed
    text: str  # the objection table's columns: what was objected,
    outcome: str  # "upheld" | "dismissed" once resolved,
    pending: str | None  # its value until then,
    note: str  # the resolution's words,
    resolved_at: str | None = None  # and when (an instant, or `resolved_on`: the Beijing date)
    resolved_on: str | None = None
    raised_on: str | None = None  # the day the objection says it was raised, where the table keeps one
    already: type[Conflict] = Conflict  # the problem a second resolution answers
    not_over: type[Conflict] = Conflict  # the problem the step after a notice still running answers

    async def publish(self, session: AsyncSession, subject: Any, published_on: dt.date, working_days: int) -> Deadline:
        """The notice runs from `published_on` for `working_days` working days."""
        due = await self.workdays(session, published_on, working_days)
        setattr(subject, self.published_on, published_on)
        setattr(subject, self.ends_on, due.due)
        setattr(subject, self.assumed, due.assumed)
        return due

    def withdraw(self, subject: Any) -> None:
        """An upheld objection sends the subject back to be reviewed: a new notice follows the new review."""
        setattr(subject, self.published_on, None)
        setattr(subject, self.ends_on, None)

    @property
    def model(self) -> Any:
        """The objection table."""
        return self.link.class_

    def ends(self, subject: Any) -> dt.date | None:
        ends: dt.date | None = getattr(subject, self.ends_on)
        return ends

    async def object(
        self, session: AsyncSession, subject: Any, text: str, by: str, raised_on: dt.date | None = None
    ) -> Any:
        """An objection, recorded while the notice runs (China Standard Time), whatever date it claims; after
        its last day it is refused (409 `notice-over`). The day it says it was raised is not before the
        notice's first (422)."""
        ends = self.ends(subject)
        assert ends is not None, "an objection is a step of a notice that was published"
        clock.check_notice_open(ends, self.ends_on)
        columns: dict[str, Any] = {self.link.key: subject.id, self.text: text}
        if self.raised_on:
            assert raised_on is not None
            published = getattr(subject, self.published_on)
            clock.check_step_date(self.raised_on, raised_on, not_before=published, follows="the notice's publication")
            columns[self.raised_on] = raised_on
        objection = self.model(id=uuid.uuid4(), filed_by=by, **columns)
        session.add(objection)
        await session.flush()
        return objection

    async def resolve(
        self, session: AsyncSession, subject: Any, objection_id: uuid.UUID, upheld: bool, note: str, by: str
    ) -> Any:
        """The objection resolved, once: upheld or dismissed, with the resolution's words and who resolved it."""
        objection = await session.get(self.model, objection_id, with_for_update=True)
        if objection is None or getattr(objection, self.link.key) != subject.id:
            raise NotFound("No such objection", zh="未找到该异议")
        if getattr(objection, self.outcome) != self.pending:
            outcome = getattr(objection, self.outcome)
            raise self.already(f"The objection is already {outcome}", zh="该异议已处理", resolution=outcome)
        setattr(objection, self.outcome, "upheld" if upheld else "dismissed")
        setattr(objection, self.note, note)
        objection.resolved_by = by
        if self.resolved_at:
            setattr(objection, self.resolved_at, clock.now())
        if self.resolved_on:
            setattr(objection, self.resolved_on, clock.today())
        return objection

    def _pending(self) -> ColumnElement[bool]:
        column = getattr(self.model, self.outcome)
        pending: ColumnElement[bool] = column.is_(None) if self.pending is None else column == self.pending
        return pending

    async def pending_count(self, session: AsyncSession, subject: Any) -> int:
        q = select(func.count()).select_from(self.model).where(self.link == subject.id, self._pending())
        return int((await session.execute(q)).scalar_one())

    async def check_over(self, session: AsyncSession, subject: Any, then_zh: str) -> None:
        """The step after the notice (`then_zh`: 核查, 批准, 验收): only once its last day has passed (China
        Standard Time) and with no objection pending."""
        self.check_ended(subject, then_zh)
        await self.check_resolved(session, subject)

    def check_ended(self, subject: Any, then_zh: str) -> None:
        ends = self.ends(subject)
        assert ends is not None
        if clock.today() <= ends:
            zh = f"公示期至{ends}，期满后方可{then_zh}"
            raise self.not_over(f"The public notice runs until {ends}", zh=zh, **{self.ends_on: str(ends)})

    async def check_resolved(self, session: AsyncSession, subject: Any) -> None:
        pending = await self.pending_count(session, subject)
        if pending:
            raise self.not_over(
                f"{pending} objection(s) to the notice are not resolved",
                zh=f"公示尚有{pending}条异议未处理",
                pending_objections=pending,
            )
