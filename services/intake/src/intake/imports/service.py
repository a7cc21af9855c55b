"""Applying an import: households a batch at a time, each batch one transaction of COPYs into intake's
tables and its outbox (the set-based path: a county of 300,000 households is not 300,000 registrations).

A household and its history are in the same batch, so nothing is half-imported. What is here already is
`unchanged` (a re-run changes nothing); a resident registered elsewhere refuses the household, as
registration would. The job's `next_row` commits with each batch: a stopped run continues from there."""

import asyncio
import bisect
import hashlib
import uuid
from collections.abc import Sequence
from enum import Enum
from types import SimpleNamespace
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from common import attachments, clock
from common.auth import Principal, absent
from common.db import Database, among, copy_rows
from common.errors import Conflict, PayloadTooLarge, ValidationFailed
from common.logging import log
from common.pii import mask_resident_id
from common.workbook import WorkbookTooLarge
from contracts.intake import (
    CaseImportedV1,
    CaseRisk,
    HouseholdRegisteredV1,
    ImportedHistory,
    ImportedMeasure,
    ImportOrigin,
    MemberFacts,
)
from intake.cases.models import Case, CaseStep
from intake.config import settings
from intake.crypto import cipher
from intake.households.models import Household, HouseholdRevision, Member
from intake.households.service import ID_FIELD, member_columns, member_facts, snapshot
from intake.imports import files, households
from intake.imports.households import Parsed
from intake.imports.mapping import Refused
from intake.imports.models import ImportJob, ImportRow
from intake.mechanisms import outbox

STORE = attachments.store(settings)
OPEN = ("queued", "running")


class UnreadableImport(ValidationFailed):
    slug, title = "unreadable-import", "The file cannot be read as an import file"
    title_zh = "文件无法作为导入文件读取"


class ImportTooLarge(PayloadTooLarge):
    slug, title = "import-too-large", "The import file is larger than IMPORT_MAX_BYTES"
    title_zh = "导入文件超过大小上限"


def too_large() -> ImportTooLarge:
    limit = settings.import_max_bytes
    return ImportTooLarge(
        f"larger than {limit:,} bytes (IMPORT_MAX_BYTES)", zh=f"文件超过 {limit:,} 字节(IMPORT_MAX_BYTES)"
    )


async def submit(session: AsyncSession, principal: Principal, filename: str, content: bytes) -> ImportJob:
    """The job of this file: a new one, or the one the same file made before (continued if it stopped)."""
    if len(content) > settings.import_max_bytes:
        raise too_large()
    try:  # the header is checked now: a file of the wrong kind is answered at once, not in the report
        next(files.rows(content), None)
    except Refused as exc:
        reason_zh = str(exc)  # a refusal is worded in Chinese (the per-row report's words)
        raise UnreadableImport(reason_zh, zh=reason_zh) from None
    digest = hashlib.sha256(content).hexdigest()
    mine = list(principal.prefixes)
    job = (
        await session.execute(select(ImportJob).where(ImportJob.file_sha256 == digest, ImportJob.regions == mine))
    ).scalar_one_or_none()
    if job is not None:
        if job.state == "failed":
            job.state, job.failure_zh = "queued", None
        return job
    await STORE.put(digest, content)  # kept before the job exists: a job's file is always there
    job = ImportJob(
        id=uuid.uuid4(),
        file_sha256=digest,
        filename=filename[:200],
        size=len(content),
        regions=mine,
        created_by=principal.sub,
        actor_role=principal.role.value,
        state="queued",
        next_row=2,
    )
    try:
        async with session.begin_nested():
            session.add(job)
    except IntegrityError:  # the same file sent twice at once: one job, the second answer is a retry
        raise Conflict("The same file is being submitted; send it again", zh="同一文件正在提交，请稍后重试") from None
    return job


async def get(session: AsyncSession, principal: Principal, job_id: uuid.UUID) -> ImportJob:
    job = await session.get(ImportJob, job_id)
    if job is None or not all(principal.covers(r) for r in job.regions):
        raise absent("import")
    return job


async def run(db: Database, job_id: uuid.UUID, *, max_batches: int | None = None) -> None:
    """Apply the job's file from its `next_row` on, a batch per transaction; `max_batches` stops early (what a
    run stopped half-way leaves)."""
    async with db.transaction() as session:
        job = await session.get(ImportJob, job_id)
        if job is None or job.state not in OPEN:
            return
        sha = job.file_sha256
    content = await STORE.get(sha)
    try:
        parsed = await asyncio.to_thread(lambda: sorted(households.grouped(files.rows(content)), key=_first))
    except Refused as exc:
        await finish(db, job_id, "failed", str(exc))
        return
    except WorkbookTooLarge as exc:  # limits lowered since the file was taken
        await finish(db, job_id, "failed", exc.detail_zh or exc.title_zh)
        return
    total = max((max(p.rows) for p in parsed), default=1)
    firsts = [p.first_row for p in parsed]
    done = 0
    while max_batches is None or done < max_batches:
        async with db.transaction() as session:
            job = await _locked(session, job_id)
            if job is None:
                return  # another worker holds it, or it is finished
            # By position, not by scanning: a county's file is 300,000 households and 300 batches.
            start = bisect.bisect_left(firsts, job.next_row)
            end = start + settings.import_batch
            pending = parsed[start:end]
            job.total_rows, job.state, job.updated_at = total, "running", clock.now()
            if not pending:
                job.state, job.finished_at = "done", clock.now()
                return
            try:
                async with session.begin_nested():
                    await apply(session, job, pending)
            except DBAPIError as exc:  # a registration raced this batch: each household alone
                log.warning("import batch conflicted, applying one household at a time", error=type(exc).__name__)
                for one in pending:
                    try:
                        async with session.begin_nested():
                            await apply(session, job, [one])
                    except DBAPIError:
                        await _refuse(session, job, one, "与同时进行的登记冲突，请重新提交本文件")
            job.next_row = firsts[end] if end < len(firsts) else total + 1
        done += 1


def _first(p: Parsed) -> int:
    return p.first_row


async def _locked(session: AsyncSession, job_id: uuid.UUID) -> ImportJob | None:
    q = select(ImportJob).where(ImportJob.id == job_id, ImportJob.state.in_(OPEN))
    return (await session.execute(q.with_for_update(skip_locked=True))).scalar_one_or_none()


async def finish(db: Database, job_id: uuid.UUID, state: str, reason: str | None) -> None:
    async with db.transaction() as session:
        await session.execute(
            update(ImportJob)
            .where(ImportJob.id == job_id)
            .values(state=state, failure_zh=reason, finished_at=clock.now(), updated_at=clock.now())
        )


async def apply(session: AsyncSession, job: ImportJob, batch: Sequence[Parsed]) -> None:
    """One batch: refused households reported, those here already `unchanged`, the rest registered with their
    history and their events, by COPY."""
    today = clock.today()
    for p in batch:
        if p.body is not None and not any(p.region_code.startswith(r) for r in job.regions):
            p.refusals = {n: "该户不在导入者的辖区内" for n in p.rows}
        elif p.history is not None and max(_dates(p)) > today:
            p.refusals = {n: "监测历史中的日期晚于今天" for n in p.rows}
    candidates = [p for p in batch if not p.refusals and p.body is not None]
    existing = await _existing(session, candidates)
    taken = await _taken(session, [p for p in candidates if (p.region_code, p.household_no) not in existing])
    fresh: list[Parsed] = []
    seen_ids: set[str] = set()
    report: list[tuple[Any, ...]] = []  # one COPY for the batch: a re-run of a county is all `unchanged`
    for p in candidates:
        here = existing.get((p.region_code, p.household_no))
        if here is not None:
            report += [(uuid.uuid4(), job.id, n, p.household_no, "unchanged", None, here) for n in p.rows]
            job.households_unchanged += 1
            continue
        assert p.body is not None
        ids = {cipher.blind_index(m.resident_id, ID_FIELD): m.resident_id for m in p.body.members}
        clash = next((i for i in ids if i in taken or i in seen_ids), None)
        if clash is not None:
            p.refusals = {n: f"身份证号码{mask_resident_id(ids[clash])}已登记在其他户" for n in p.rows}
            continue
        seen_ids |= ids.keys()
        fresh.append(p)
    for p in batch:
        if p.refusals:
            report += [(uuid.uuid4(), job.id, n, p.household_no[:40], "refused", p.refusals[n], None) for n in p.rows]
            job.rows_refused += len(p.rows)
    await copy_rows(session, ImportRow.__table__, REPORT_COLUMNS, report)
    await _register(session, job, fresh)


def _dates(p: Parsed) -> list[Any]:
    h = p.history
    assert h is not None
    return [
        h.identified_on,
        h.eliminated_on or h.identified_on,
        *(m["ended_on"] or m["started_on"] for m in h.measures),
    ]


async def _existing(session: AsyncSession, batch: Sequence[Parsed]) -> dict[tuple[str, str], uuid.UUID]:
    if not batch:
        return {}
    wanted = {(p.region_code, p.household_no) for p in batch}
    rows = await session.execute(
        select(Household.region_code, Household.household_no, Household.id).where(
            among(Household.household_no, {no for _, no in wanted})
        )
    )
    return {(r.region_code, r.household_no): r.id for r in rows if (r.region_code, r.household_no) in wanted}


async def _taken(session: AsyncSession, batch: Sequence[Parsed]) -> set[str]:
    indexes = [cipher.blind_index(m.resident_id, ID_FIELD) for p in batch if p.body for m in p.body.members]
    if not indexes:
        return set()
    rows = await session.execute(select(Member.id_index).where(among(Member.id_index, indexes), Member.active))
    return set(rows.scalars())


async def _refuse(session: AsyncSession, job: ImportJob, p: Parsed, reason: str) -> None:
    rows = [(uuid.uuid4(), job.id, n, p.household_no[:40], "refused", reason, None) for n in p.rows]
    await copy_rows(session, ImportRow.__table__, REPORT_COLUMNS, rows)
    job.rows_refused += len(rows)


REPORT_COLUMNS = ["id", "job_id", "row", "household_no", "outcome", "reason_zh", "household_id"]
HOUSEHOLD_COLUMNS = [
    "id", "region_code", "household_no", "address", "category", "status", "assistance_status", "version",
    "created_by", "created_at", "updated_at",
]  # fmt: skip
MEMBER_COLUMNS = [
    "id", "household_id", "position", "name_cipher", "name_masked", "id_cipher", "id_index", "id_masked",
    "relation", "sex", "birth_date", "labour_capacity", "health", "disability_category", "disability_grade",
    "schooling", "phone_cipher", "phone_masked", "active",
]  # fmt: skip
REVISION_COLUMNS = ["id", "household_id", "version", "changed_by", "changed_at", "reason", "snapshot"]
CASE_COLUMNS = [
    "id", "household_id", "region_code", "state", "channels", "object_type", "risks", "weak_motivation",
    "alert_ids", "declared_by", "notice_calendar_assumed", "version", "created_at", "updated_at",
]  # fmt: skip
STEP_COLUMNS = ["id", "case_id", "seq", "action", "from_state", "to_state", "actor", "actor_role", "data", "at"]
OUTBOX_COLUMNS = ["event_id", "topic", "key", "value", "encrypted", "created_at"]


def _plain(value: Any) -> Any:
    return value.value if isinstance(value, Enum) else value


def _row(obj: Any, columns: list[str]) -> tuple[Any, ...]:
    return tuple(_plain(getattr(obj, c)) for c in columns)


async def _register(session: AsyncSession, job: ImportJob, batch: Sequence[Parsed]) -> None:
    if not batch:
        return
    now = clock.now()
    homes: list[tuple[Any, ...]] = []
    members: list[tuple[Any, ...]] = []
    revisions: list[tuple[Any, ...]] = []
    cases: list[tuple[Any, ...]] = []
    steps: list[tuple[Any, ...]] = []
    report: list[tuple[Any, ...]] = []
    events: list[HouseholdRegisteredV1 | CaseImportedV1] = []
    for p in batch:
        assert p.body is not None
        origin = ImportOrigin(file_sha256=job.file_sha256, row=p.first_row)
        h = p.history
        # Plain records, not ORM objects: building 6,000 mapped instances a batch was a fifth of the time.
        household = SimpleNamespace(
            id=uuid.uuid4(),
            region_code=p.body.region_code,
            household_no=p.body.household_no,
            address=p.body.address,
            category=p.body.category.value,
            status="registered" if h is None else ("eliminated" if h.eliminated_on else "monitored"),
            assistance_status="eliminated" if h is not None and h.eliminated_on else None,
            version=1,
            created_by=job.created_by,
            created_at=now,
            updated_at=now,
        )
        household.members = [
            SimpleNamespace(id=uuid.uuid4(), household_id=household.id, active=True, **member_columns(m, i))
            for i, m in enumerate(p.body.members)
        ]
        members += [_row(m, MEMBER_COLUMNS) for m in household.members]
        homes.append(_row(household, HOUSEHOLD_COLUMNS))
        revisions.append((uuid.uuid4(), household.id, 1, job.created_by, now, _reason(job, p), snapshot(household)))
        events.append(
            HouseholdRegisteredV1(
                household_id=household.id,
                region_code=household.region_code,
                household_no=household.household_no,
                category=household.category,
                version=1,
                members=[
                    MemberFacts(
                        member_id=m.id, id_index=m.id_index, sex=m.sex, birth_date=m.birth_date, **member_facts(m)
                    )
                    for m in household.members
                ],
                imported_from=origin,
            )
        )
        if h is not None:
            case_id = uuid.uuid4()
            history = ImportedHistory(
                identified_on=h.identified_on,
                measures=[ImportedMeasure(**m) for m in h.measures],
                eliminated_on=h.eliminated_on,
            )
            cases.append(
                (case_id, household.id, household.region_code, "monitored", [], h.object_type, h.risks, False, [],
                 job.created_by, False, 1, now, now)
            )  # fmt: skip
            steps.append(
                (uuid.uuid4(), case_id, 1, "imported", None, "monitored", job.created_by, job.actor_role,
                 {"imported_from": origin.model_dump(mode="json"), "history": history.model_dump(mode="json")}, now)
            )  # fmt: skip
            events.append(
                CaseImportedV1(
                    case_id=case_id,
                    household_id=household.id,
                    region_code=household.region_code,
                    state="monitored",
                    previous_state=None,
                    channels=[],
                    object_type=h.object_type,
                    risks=[CaseRisk(**r) for r in h.risks],
                    actor=job.created_by,
                    actor_role=job.actor_role,
                    occurred_at=now,
                    imported_from=origin,
                    history=history,
                )
            )
        report += [(uuid.uuid4(), job.id, n, p.household_no, "imported", None, household.id) for n in p.rows]
    await copy_rows(session, Household.__table__, HOUSEHOLD_COLUMNS, homes)
    await copy_rows(session, Member.__table__, MEMBER_COLUMNS, members)
    await copy_rows(session, HouseholdRevision.__table__, REVISION_COLUMNS, revisions)
    await copy_rows(session, Case.__table__, CASE_COLUMNS, cases)
    await copy_rows(session, CaseStep.__table__, STEP_COLUMNS, steps)
    await copy_rows(
        session,
        outbox.table,
        OUTBOX_COLUMNS,
        [(*_outbox_row(e), now) for e in events],
    )
    await copy_rows(session, ImportRow.__table__, REPORT_COLUMNS, report)
    job.households_imported += len(batch)


def _outbox_row(event: HouseholdRegisteredV1 | CaseImportedV1) -> tuple[Any, ...]:
    row = outbox.row(event, subject=event.household_id)
    return row["event_id"], row["topic"], row["key"], row["value"], row["encrypted"]


def _reason(job: ImportJob, p: Parsed) -> str:
    return f"导入：文件 {job.filename}（SHA-256 {job.file_sha256[:12]}…）第 {p.first_row} 行"
