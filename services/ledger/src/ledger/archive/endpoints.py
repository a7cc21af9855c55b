"""One file per household (一户一档): its whole history across services from the log, as of any date; the
export is a PDF carrying each entry's inclusion proof and the signed checkpoint, checkable offline."""

import datetime as dt
import uuid
from typing import Annotated, Literal

from fastapi import APIRouter, Query, Request, Response
from fastapi.concurrency import run_in_threadpool
from sqlalchemy import select

from common import clock, pdf
from common.access import AccessLogRead, ArchiveRead, RetentionRead
from common.access_audit import audited
from common.auth import absent, ensure_covers, ensure_household
from common.db import SessionDep
from common.errors import Forbidden, NotFound, ServiceUnavailable, problem_responses
from common.pagination import CursorQuery, LimitQuery, Page, page_list, page_rows
from common.vocabulary import ROLE_ZH
from contracts.audit import PersonalDataAccessedV1
from ledger.archive import dossier, heads, proofs, render
from ledger.archive.packs import wording
from ledger.archive.registry import REGISTRY, STANDARD
from ledger.archive.schemas import Archive, ArchiveProofs, FormInfo, Retention
from ledger.archive.service import archive_of, registration_of
from ledger.checkpoints.service import public
from ledger.entries.schemas import AccessRecord
from ledger.models import Entry

router = APIRouter(tags=["household archive"])
Purpose = Annotated[str, Query(min_length=2, max_length=200, description="why the archive is read (audited)")]


@router.get(
    "/households/{household_id}/archive",
    response_model=Archive,
    responses=problem_responses(Forbidden, NotFound),
    openapi_extra=audited("archive"),
)
async def archive(
    household_id: uuid.UUID,
    session: SessionDep,
    principal: ArchiveRead,
    purpose: Purpose,
    as_of: dt.datetime | None = None,
) -> Archive:
    """The household's complete history across services — registration, consent, every case step, alerts,
    plan and measures, elimination — as it stood at `as_of` (default now). The read is audited."""
    result, _ = await archive_of(session, principal, household_id, as_of or clock.now(), "archive", purpose)
    return result


@router.get(
    "/households/{household_id}/archive.pdf",
    responses={**problem_responses(Forbidden, NotFound), 200: {"content": {"application/pdf": {}}}},
    openapi_extra=audited("archive export"),
)
async def archive_pdf(
    household_id: uuid.UUID,
    session: SessionDep,
    principal: ArchiveRead,
    purpose: Purpose,
    as_of: dt.datetime | None = None,
) -> Response:
    """The archive as a PDF for an inspector, ending with one appendix page that says what is proven and how
    to check it, naming the entries by their digest; the proofs themselves are `GET .../archive/proofs` at the
    same `as_of`, beside it. The export is audited."""
    result, rows = await archive_of(session, principal, household_id, as_of or clock.now(), "archive export", purpose)
    head = public(await proofs.signed_head(session, rows))
    reader = f"{principal.name or principal.sub}（{ROLE_ZH.get(principal.role, principal.role)}）"
    flow = dossier.flowables(rows, result.as_of, reader, purpose)
    flow += proofs.appendix(household_id, result.as_of, rows, head)
    document = pdf.render("防止返贫监测对象一户一档", flow)
    return Response(
        document,
        media_type="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="archive-{household_id}.pdf"'},
    )


@router.get(
    "/households/{household_id}/archive/proofs",
    response_model=ArchiveProofs,
    responses=problem_responses(Forbidden, NotFound),
    openapi_extra=audited("archive proofs"),
)
async def archive_proofs(
    household_id: uuid.UUID,
    session: SessionDep,
    principal: ArchiveRead,
    purpose: Purpose,
    as_of: dt.datetime | None = None,
    through: Annotated[
        int | None, Query(ge=0, description="the last entry the dossier lists (its appendix names it)")
    ] = None,
) -> ArchiveProofs:
    """The dossier's proofs for a program, beside the PDF: every entry the archive is drawn from, its bytes,
    leaf hash and audit path to the latest signed checkpoint, and that checkpoint; at the `as_of` the PDF's
    appendix names, its `digest` is the one the PDF prints. The read is audited."""
    result, rows = await archive_of(session, principal, household_id, as_of or clock.now(), "archive proofs", purpose)
    # An entry recorded in the same instant as the dossier was drawn (its own read) is not one it lists.
    rows = [r for r in rows if through is None or r.leaf_index <= through]
    if not rows:
        raise NotFound("No entry of this household up to `through`", zh="该户在所给序号之前没有记录")
    return await proofs.bundle(session, household_id, result.as_of, rows)


@router.get(
    "/households/{household_id}/access-log",
    response_model=Page[AccessRecord],
    responses=problem_responses(Forbidden, NotFound),
)
async def access_log(
    household_id: uuid.UUID,
    session: SessionDep,
    principal: AccessLogRead,
    cursor: CursorQuery = None,
    limit: LimitQuery = 100,
) -> Page[AccessRecord]:
    """Who read this household's personal data, when, in which service and why, newest last: for the
    household itself (个人信息保护法 第四十四条、第四十五条: the right to know and to consult how one's personal
    information is handled) and for the officers above it."""
    registered = await registration_of(session, household_id)
    if registered is None:  # the same answer as for a household outside the jurisdiction
        raise absent("household")
    ensure_household(principal, household_id, str(registered.data["region_code"]), "household")
    q = select(Entry).where(
        Entry.type == PersonalDataAccessedV1.type, Entry.data["household_id"].astext == str(household_id)
    )
    rows, next_cursor = await page_rows(session, q, (Entry.leaf_index,), cursor, limit)
    return Page(items=[AccessRecord(leaf_index=r.leaf_index, **r.data) for r in rows], next_cursor=next_cursor)


@router.get("/retention", response_model=Retention)
async def retention(_: RetentionRead) -> Retention:
    """What the ledger keeps, and for how long."""
    return Retention(
        rules=[
            "Nothing is ever removed from the log: entries, tree nodes and checkpoints are append-only, and the "
            "database refuses UPDATE, DELETE and TRUNCATE on them.",
            "Eliminated or excluded households are marked, never deleted (不得剔除); their archive stays complete.",
            "Personal identifiers never enter the log: resident ID numbers are replaced by their blind index.",
            "A correction is a new event that supersedes an earlier one; both stay in the log.",
            "Every read of a household's archive or export is itself recorded (audit.access.v1).",
        ]
    )


@router.get("/forms", response_model=Page[FormInfo], responses=problem_responses(NotFound))
async def list_forms(
    session: SessionDep,
    principal: ArchiveRead,
    region: Annotated[
        str | None,
        Query(
            pattern=r"^\d{6}(\d{3}(\d{3})?)?$",
            description="the forms the jurisdiction of this region files (its pack's `paperwork.forms`)",
        ),
    ] = None,
    cursor: CursorQuery = None,
    limit: LimitQuery = 100,
) -> Page[FormInfo]:
    """The forms the ledger draws: the standard ones (modelled on 《仲恺高新区健全防止返贫动态监测和帮扶机制工作方案》
    (2021) 附件1-8) and a jurisdiction's own (弥勒市 附件1-6), what each is keyed by, and, for a `region`,
    whether its jurisdiction's pack lists it among the forms it files."""
    filed: set[str] | None = None
    if region is not None:
        ensure_covers(principal, region, "region")
        filed = set((await wording(session, region, clock.today())).values.paperwork.forms) or STANDARD
    listed = [
        FormInfo(
            code=code,
            title=spec.title,
            keyed_by=spec.keyed_by,
            reads=[c.type for c in spec.reads],
            filed_here=None if filed is None else code in filed,
        )
        for code, spec in REGISTRY.items()
    ]
    return page_list(listed, lambda f: f.code, cursor, limit)


MEDIA = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
}


@router.get(
    "/forms/{form_code}",
    responses={
        **problem_responses(Forbidden, NotFound, ServiceUnavailable),
        200: {"content": {m: {} for m in MEDIA.values()}},
    },
    openapi_extra=audited("form"),  # a household's form; the lists (a `key`) name no household's data
)
async def form(
    form_code: Literal[tuple(REGISTRY)],  # type: ignore[valid-type]
    request: Request,
    session: SessionDep,
    principal: ArchiveRead,
    purpose: Purpose,
    household_id: uuid.UUID | None = None,
    key: Annotated[
        str | None,
        Query(
            max_length=100,
            description="list forms: `<village>@<date>` for notices, the approval number for approvals, a region "
            "code for the analysis lists (附件5、6)",
        ),
    ] = None,
    format: Literal["xlsx", "pdf"] = "pdf",
) -> Response:
    """A standard form filled from the log, as XLSX or PDF with Chinese text. Household forms are audited
    reads of the household's data. The heads' names and ID numbers a form prints are read from intake with
    the caller's own token, as intake's audited reads (ADR 0014)."""
    spec = REGISTRY[form_code]
    words = None
    names = heads.reader(request.headers.get("authorization"), form_code, purpose) if spec.heads else heads.no_heads
    if spec.fill_key is not None:
        if not key:
            raise NotFound("This form is generated for a `key`", zh="此表单按区划代码（key）生成")
        doc = await spec.fill_key(session, key, principal.covers, names)
    else:
        assert spec.fill_household is not None
        if household_id is None:
            raise NotFound("This form is generated for a `household_id`", zh="此表单按户编号（household_id）生成")
        result, rows = await archive_of(session, principal, household_id, clock.now(), f"form {form_code}", purpose)
        words = (await wording(session, result.region_code or "", clock.today())).values  # the form as the pack has it
        head = (await names([str(household_id)], spec.heads)).get(str(household_id)) if spec.heads else None
        doc = spec.fill_household(rows, words, head)
    if doc.region:  # the paper is the pack's of the region the form is drawn for
        words = (await wording(session, doc.region, clock.today())).values
    # Setting a page is seconds of CPU on a loaded machine: off the event loop, which the consumers share.
    body = (
        await run_in_threadpool(render.to_xlsx, doc)
        if format == "xlsx"
        else await run_in_threadpool(render.to_pdf, doc, words)
    )
    name = f"{form_code}-{household_id or 'list'}.{format}"
    return Response(body, media_type=MEDIA[format], headers={"Content-Disposition": f'attachment; filename="{name}"'})
