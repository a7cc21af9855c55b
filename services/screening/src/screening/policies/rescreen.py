"""Re-screening after a policy change: every known household under the policy's prefix is evaluated again,
a chunk per transaction, resumable, one job at a time per replica (claimed with SKIP LOCKED)."""

import asyncio

from fastapi import FastAPI
from sqlalchemy import func, select

from common.db import Database
from screening.alerts.service import reevaluate_many
from screening.policies.models import RescreenJob
from screening.projections.models import KnownHousehold

CHUNK = 1000
IDLE_S = 1.0


async def rescreen_loop(app: FastAPI) -> None:
    db: Database = app.state.db
    while True:
        if not await rescreen_chunk(db):
            await asyncio.sleep(IDLE_S)


async def rescreen_chunk(db: Database) -> bool:
    """Work one chunk of the oldest unfinished job; False when there is nothing to do."""
    async with db.transaction() as session:
        job = (
            await session.execute(
                select(RescreenJob)
                .where(RescreenJob.state.in_(("pending", "running")))
                .order_by(RescreenJob.created_at)
                .limit(1)
                .with_for_update(skip_locked=True)
            )
        ).scalar_one_or_none()
        if job is None:
            return False
        q = select(KnownHousehold.household_id).where(KnownHousehold.region_code.like(job.region_prefix + "%"))
        if job.after_household is not None:
            q = q.where(KnownHousehold.household_id > job.after_household)
        ids = list((await session.execute(q.order_by(KnownHousehold.household_id).limit(CHUNK))).scalars())
        await reevaluate_many(session, ids)
        job.processed += len(ids)
        job.after_household = ids[-1] if ids else job.after_household
        job.state = "running" if len(ids) == CHUNK else "done"
        job.updated_at = func.now()
    return True
