import datetime as dt
import uuid
from decimal import Decimal
from typing import Annotated

from fastapi import APIRouter, FastAPI, Query
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import select

from common import clock
from common.access import PoliciesPublish, PoliciesRead
from common.clock import Day
from common.db import Database, SessionDep
from common.errors import Forbidden, NotFound, ValidationFailed, problem_responses
from common.idempotency import IdempotencyDep
from common.pagination import CursorQuery, LimitQuery, Page, page_list
from common.regions import full_name
from contracts.policy import Jurisdiction, RuleSetting
from screening.policies import gaps, service
from screening.policies.models import Policy, RescreenJob
from screening.policies.schemas import EffectivePolicy, PolicyCreate, PolicyGap, PolicyPublic, RulePublic, SourcedValue
from screening.policies.service import BelowFloor, NoPolicy
from screening.policies.whatif import what_if
from screening.rules.catalogue import CATALOGUE

router = APIRouter(tags=["policies"])


def public(p: Policy, found: service.InForce | None = None) -> PolicyPublic:
    """A pack as published; in force for a region (`found`), with the newer national pack's mandatory
    values over its own."""
    values = found.values if found else service.values_of(p)
    return PolicyPublic(
        id=p.id,
        jurisdiction=Jurisdiction(
            code=p.jurisdiction, name=p.jurisdiction_name, level=p.level, prefixes=[x for x in p.prefixes if x]
        ),
        region_prefix=p.region_prefix,
        region_name=full_name(p.region_prefix) if p.region_prefix else "全国",
        year=p.year,
        valid_through=p.valid_through,
        version=p.version,
        effective_from=p.effective_from,
        name=p.name,
        source=p.source,
        values=values.model_copy(update={"rules": {k: RuleSetting(**v) for k, v in p.rules.items()}}),
        monitoring_line=values.line.amount,
        sourced=[SourcedValue(**v) for v in service.sourced(p, found)],
        created_by=p.created_by,
        created_at=p.created_at,
    )


@router.post(
    "/policies",
    status_code=201,
    response_model=PolicyPublic,
    responses=problem_responses(Forbidden, NotFound, ValidationFailed, BelowFloor),
)
async def publish_policy(
    body: PolicyCreate, session: SessionDep, principal: PoliciesPublish, idem: IdempotencyDep
) -> PolicyPublic:
    """Publish a new version of a jurisdiction's policy pack for a year (the first one creates the
    jurisdiction). What `values` leaves out is carried forward with its source from the jurisdiction's pack
    before (else the national pack). A line below the national floor is refused. Versions are never edited;
    each is an event on `screening.policy.v1`, recorded by the ledger."""
    service.ensure_may_publish(principal, body.jurisdiction)
    return await idem.remember(public(await service.publish(session, body, principal.sub)))


class TownshipImpact(BaseModel):
    region_code: str
    region_name: str
    evaluated: int
    in_range_now: int
    in_range_draft: int
    entering: int
    leaving: int


class WhatIf(BaseModel):
    jurisdiction: str
    year: int
    monitoring_line: Decimal | None = Field(description="the draft's line, with what it carries forward")
    judges_income_of: int = Field(description="the year whose income the draft judges")
    on: Day
    evaluated: int
    in_range_now: int
    in_range_draft: int
    entering: int
    leaving: int
    by_township: list[TownshipImpact]


@router.post(
    "/policies/what-if", response_model=WhatIf, responses=problem_responses(Forbidden, NotFound, ValidationFailed)
)
async def policy_what_if(body: PolicyCreate, session: SessionDep, principal: PoliciesPublish) -> WhatIf:
    """Evaluate a draft pack against the households' income records of the year it judges, without storing it
    or raising anything: how many would newly enter or leave the monitoring range, by township, where the
    draft would be the pack in force."""
    service.ensure_may_publish(principal, body.jurisdiction)
    return WhatIf.model_validate(await what_if(session, body, clock.today()))


@router.get("/policies", response_model=Page[PolicyPublic], responses=problem_responses(Forbidden))
async def list_policies(
    session: SessionDep,
    _: PoliciesRead,
    region_prefix: Annotated[
        str | None, Query(pattern=r"^\d{2,12}$", description="packs governing some of this region")
    ] = None,
    jurisdiction: Annotated[str | None, Query(pattern=r"^[0-9A-Za-z-]{2,40}$")] = None,
    year: Annotated[int | None, Query(ge=2015, le=2100)] = None,
    cursor: CursorQuery = None,
    limit: LimitQuery = 100,
) -> Page[PolicyPublic]:
    """Policy packs (every version), newest year first, each value with its source. Packs are public rules,
    not personal data."""
    rows, next_cursor = await service.search(
        session, region_prefix=region_prefix, jurisdiction=jurisdiction, year=year, cursor=cursor, limit=limit
    )
    return Page(items=[public(p) for p in rows], next_cursor=next_cursor)


@router.get("/policies/gaps", response_model=Page[PolicyGap], responses=problem_responses(Forbidden))
async def policy_gaps(
    session: SessionDep,
    principal: PoliciesRead,
    year: Annotated[int | None, Query(ge=2015, le=2100, description="default: this year (CST)")] = None,
    cursor: CursorQuery = None,
    limit: LimitQuery = 100,
) -> Page[PolicyGap]:
    """The county officer's work: counties of my jurisdiction with registered households and no monitoring
    policy of the year (judged by an earlier line, or not on income at all), or whose policy states no amount
    (judged by the national floor), until one is published."""
    mine = [
        g
        for g in await gaps.gaps(session, year or clock.today().year)
        if any(g.county.startswith(p) or p.startswith(g.county) for p in principal.prefixes)
    ]
    shown = [
        PolicyGap(
            county=g.county,
            county_name=full_name(g.county),
            year=g.year,
            judged_by=g.judged_by,
            basis=g.basis,
            message=g.message,
        )
        for g in mine
    ]
    return page_list(shown, lambda g: g.county, cursor, limit)


@router.get("/policies/effective", response_model=EffectivePolicy, responses=problem_responses(Forbidden, NoPolicy))
async def effective_policy(
    session: SessionDep,
    _: PoliciesRead,
    region_code: Annotated[str, Query(pattern=r"^\d{12}$")],
    year: Annotated[int, Query(ge=2015, le=2100)],
    on: Day | None = None,
) -> EffectivePolicy:
    """The policy in force for a village in a year (on a date, default today), with the reason it was chosen."""
    day = on or clock.today()
    found, why = await service.effective(session, region_code, year, day)
    return EffectivePolicy(
        region_code=region_code, year=year, on=day, policy=public(found.policy, found), assumed=found.assumed, why=why
    )


@router.get("/policies/{policy_id}", response_model=PolicyPublic, responses=problem_responses(Forbidden, NotFound))
async def get_policy(policy_id: uuid.UUID, session: SessionDep, _: PoliciesRead) -> PolicyPublic:
    """One policy version."""
    return public(await service.get(session, policy_id))


class RescreenPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    policy_id: uuid.UUID
    region_prefix: str
    year: int
    state: str
    total: int
    processed: int
    created_at: dt.datetime
    updated_at: dt.datetime


@router.get(
    "/policies/{policy_id}/rescreening", response_model=RescreenPublic, responses=problem_responses(Forbidden, NotFound)
)
async def rescreening(policy_id: uuid.UUID, session: SessionDep, _: PoliciesRead) -> RescreenPublic:
    """Progress of re-screening the policy's households (started when the version was published)."""
    job = (await session.execute(select(RescreenJob).where(RescreenJob.policy_id == policy_id))).scalar_one_or_none()
    if job is None:
        raise NotFound("No re-screening for this policy", zh="该政策没有重新筛查记录")
    return RescreenPublic.model_validate(job)


@router.get("/rules", response_model=Page[RulePublic], responses=problem_responses(Forbidden))
async def list_rules(_: PoliciesRead, cursor: CursorQuery = None, limit: LimitQuery = 100) -> Page[RulePublic]:
    """The rule catalogue: codes, risk categories and default grades that policies enable and regrade."""
    rules = [
        RulePublic(code=r.code, category=r.category, default_grade=r.grade, zh=r.zh, en=r.en)
        for r in CATALOGUE.values()
    ]
    return page_list(rules, lambda r: r.code, cursor, limit)


async def policy_note(app: FastAPI) -> dict[str, str]:
    """For /readyz: the counties judged this year without a policy of their own."""
    db: Database = app.state.db
    async with db.transaction() as session:
        found = await gaps.gaps(session, clock.today().year)
    return {"policies": "; ".join(g.message for g in found) if found else "ok"}
