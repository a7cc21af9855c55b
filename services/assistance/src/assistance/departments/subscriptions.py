"""Departments' reports from the bus (dept.reports.v1), applied as the REST reports are."""

from sqlalchemy.ext.asyncio import AsyncSession

from assistance.crypto import cipher
from assistance.departments.reports import report
from common.auth import Principal, Role
from common.errors import Problem
from common.events.envelope import BadEvent
from common.free_text import kept
from contracts.dept import DepartmentReportV1


async def on_department_report(session: AsyncSession, event: DepartmentReportV1) -> None:
    """A report the measure's state or the department's list refuses goes to the dead-letter topic with the
    reason, as a REST call would have been answered. A department's text never passes the REST door, so a
    number in it is kept as its pseudonym here."""
    event = kept(event, cipher)
    principal = Principal(sub=event.reported_by, role=Role.department, department=event.department)
    evidence = {"description": event.description, "report_id": event.report_id}
    evidence |= {k: str(v) for k, v in (("amount", event.amount), ("date", event.date)) if v is not None}
    try:
        await report(session, principal, event.department, event.measure_id, event.status, evidence)
    except Problem as e:
        raise BadEvent(f"{e.title}: {e.detail}") from e
