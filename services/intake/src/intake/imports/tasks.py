"""The import worker: a loop in the service that runs every unfinished import, so a job continues after a
restart (its file is kept, its `next_row` committed). Two replicas may both try a job: each batch locks the
job's row (SKIP LOCKED), so a batch is applied by one of them, once."""

import asyncio

from fastapi import FastAPI
from sqlalchemy import select

from common.db import Database
from common.logging import log
from intake.config import settings
from intake.imports import service
from intake.imports.models import ImportJob

IDLE_S = 1.0
STOPPED_ZH = "导入中断（系统错误），已导入的户不受影响；重新提交同一文件可从中断处继续"


async def import_loop(app: FastAPI) -> None:
    db: Database = app.state.db
    while True:
        await asyncio.sleep(IDLE_S)
        if not settings.import_worker:
            continue
        try:
            async with db.transaction() as session:
                ids = list(
                    (
                        await session.execute(
                            select(ImportJob.id).where(ImportJob.state.in_(service.OPEN)).order_by(ImportJob.created_at)
                        )
                    ).scalars()
                )
        except Exception:  # the database is away: try again at the next tick
            log.exception("import worker could not list the jobs")
            continue
        for job_id in ids:
            if not settings.import_worker:  # turned off while the jobs were listed
                break
            try:
                await service.run(db, job_id)
            except Exception:  # stopped, not retried in a loop: the same file sent again resumes it
                log.exception("import run failed", job_id=str(job_id))
                await service.finish(
                    db, job_id, "failed", "导入中断（系统错误），已导入的户不受影响；重新提交同一文件可从中断处继续"
                )
