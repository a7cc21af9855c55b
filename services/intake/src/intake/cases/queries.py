"""Reads of cases: a case's steps and objections, work queues, village notice lists."""

import uuid
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from common.access import readable
from common.auth import Principal
from common.pagination import page_rows
from intake.cases.models import Case, CaseStep, Objection
from intake.cases.procedure import State
from intake.households.models import Household, Member


async def steps(session: AsyncSession, case_id: uuid.UUID) -> list[CaseStep]:
    return list(
        (await session.execute(select(CaseStep).where(CaseStep.case_id == case_id).order_by(CaseStep.seq))).scalars()
    )


async def objections(session: AsyncSession, case_id: uuid.UUID) -> list[Objection]:
    return list(
        (
            await session.execute(select(Objection).where(Objection.case_id == case_id).order_by(Objection.created_at))
        ).scalars()
    )


async def queue(
    session: AsyncSession,
    principal: Principal,
    *,
    states: list[str] | None,
    region_prefix: str | None,
    channel: str | None,
    household_id: uuid.UUID | None,
    limit: int,
    cursor: str | None,
) -> tuple[list[Case], str | None]:
    q = readable(Case, principal)
    if states:
        q = q.where(Case.state.in_(states))
    if region_prefix:
        q = q.where(Case.region_code.like(region_prefix + "%"))
    if channel:
        q = q.where(Case.channels.contains([channel]))
    if household_id:
        q = q.where(Case.household_id == household_id)
    return await page_rows(session, q, (Case.created_at, Case.id), cursor, limit)


async def notices(session: AsyncSession, village_code: str) -> list[Any]:
    head = (
        select(Member.name_cipher)
        .where(Member.household_id == Household.id, Member.relation == "head")
        .limit(1)
        .scalar_subquery()
    )
    count = select(func.count()).where(Member.household_id == Household.id, Member.active).scalar_subquery()
    return list(
        (
            await session.execute(
                select(Case, Household.household_no, head.label("head_name"), count.label("members_count"))
                .join(Household, Household.id == Case.household_id)
                .where(Case.region_code == village_code, Case.state == State.in_public_notice)
                .order_by(Case.notice_published_on, Household.household_no)
            )
        ).all()
    )
